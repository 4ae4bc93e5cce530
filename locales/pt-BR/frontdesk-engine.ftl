# As palavras do horário no prompt do agente de voz (frontdesk-engine, prompts.rs):
# "seg.-sex. 9:00-18:00; sáb. 10:00-14:00". As abreviações dos dias e o "e" vêm do ICU4X;
# o prompt em si é o agent-prompt.j2 desta pasta.

# Todos os dias da semana têm o mesmo horário: "todos os dias 7:00-20:00".
hours-every-day = todos os dias
# Nenhum serviço tem horário regular.
hours-none = sem horário fixo

# Os eventos das agendas assinadas e dos convites por e-mail.
calendar-event-summary = { $service } – { $member }
calendar-event-description = Código de confirmação: { $code }
