# Las palabras del horario en el prompt del agente de voz (frontdesk-engine, prompts.rs):
# "lun-vie 9:00-18:00; sáb 10:00-14:00". Las abreviaturas de los días y la "y" vienen de ICU4X;
# el prompt en sí es agent-prompt.j2 de esta carpeta.

# Todos los días de la semana tienen el mismo horario: "todos los días 7:00-20:00".
hours-every-day = todos los días
# Ningún servicio tiene un horario regular.
hours-none = sin horario fijo

# Los eventos de los calendarios suscritos y de las invitaciones por correo.
calendar-event-summary = { $service } – { $member }
calendar-event-description = Código de confirmación: { $code }
