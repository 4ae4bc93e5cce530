# Lo que frontdesk dice al agente de voz, para leerlo en voz alta tal cual.
# Los nombres de argumentos (member_id, voucher_code, get_members…) quedan literales: el agente
# actúa con ellos. Fechas, horas y listas llegan ya habladas ($at = "sábado, 21 de noviembre a las 08:00").

## Piezas

date-at-time = { $date } a las { $time }
and-more = Y { $n } más.
places-left = { $n ->
    [one] { $n } plaza libre
   *[other] { $n } plazas libres
}
attribute-level = nivel
attribute-wave-side = lado de la ola
booking-for = { $what } para { $member }
booking-with = { $what }, con { $staff }
booking-code = { $what }, código { $code }
status = { $status ->
    [confirmed] confirmada
    [cancelled] cancelada
    [completed] completada
    [no_show] marcada como no presentada
    [held] reservada para usted
   *[other] inactiva
}

## get_members

members-unknown-caller = Este número de teléfono no tiene cuenta de cliente.
members-none = La cuenta no tiene miembros.
members-list = Miembros de la cuenta: { $names }.

## get_member_preferences y set_member_preferences

preferences-empty = { $saved ->
    [yes] Se han borrado las preferencias de { $member }.
   *[no] { $member } todavía no tiene preferencias guardadas.
}
preferences = { $saved ->
    [yes] Preferencias de { $member } guardadas: { $parts }.
   *[no] Preferencias de { $member }: { $parts }.
}
preferences-services = servicios { $list }
preferences-times = { $n ->
    [one] hora { $list }
   *[other] horas { $list }
}
preferences-days = días { $list }
preferences-dates = fechas { $list }
preferences-note = nota: { $note }

## get_availability

availability-none-on = No hay horarios libres el { $date }.
availability-none-between = No hay horarios libres entre el { $from } y el { $to }.
availability-none = No hay horarios libres.
availability-next = El próximo horario libre es el { $at }, { $service }.
availability-ranked = Mejores opciones para { $member }: { $items }.
availability-for-service = Horarios libres de { $service }: { $days }.
availability = Horarios libres: { $days }.

## book_session

booked-registered = Cuenta de cliente creada para { $name }.
booked = Reserva confirmada: { $what }. El código de la reserva es { $code }.
booked-replayed = Esta reserva ya estaba hecha: { $what }. El código de la reserva es { $code }.

## get_bookings

bookings-none = { $status ->
    [upcoming] No hay reservas próximas.
    [past] No hay reservas pasadas.
    [cancelled] No hay reservas canceladas.
   *[all] No hay reservas.
}
bookings = { $status ->
    [upcoming] Reservas próximas
    [past] Reservas pasadas
    [cancelled] Reservas canceladas
   *[all] Reservas
}: { $items }.

## cancel_booking

cancel-already = La reserva { $code } ya estaba cancelada.
cancelled = Reserva { $code } cancelada: { $what }. { $refund ->
    [yes] La cancelación es gratuita.
   *[no] El plazo de cancelación gratuita ya había pasado, así que no hay reembolso.
}

## reschedule_booking

reschedule-unchanged = La reserva { $code } ya es el { $at }, { $service }: no se ha cambiado nada.
rescheduled = Reserva { $code } cambiada del { $before } al { $after }, { $service }.

## join_waitlist, get_waitlist y leave_waitlist

waitlist-day = el { $date }
waitlist-days = entre el { $from } y el { $to }
waitlist-times-between = , con inicio entre las { $from } y las { $to }
waitlist-times-at = , con inicio a las { $time }
waitlist-times-after = , con inicio a partir de las { $from }
waitlist-times-before = , con inicio hasta las { $to }
waitlist-position = número { $n } en la cola
waitlist-joined = { $member } está en la lista de espera de { $service } { $when } ({ $position }). { $auto ->
    [yes] Si se libera una plaza, se reserva automáticamente y un mensaje de texto lo confirma.
   *[no] Si se libera una plaza, se guarda un rato y se ofrece por mensaje de texto; la persona confirma respondiendo SÍ al mensaje o devolviendo la llamada.
}
waitlist-already = { $member } ya estaba en la lista de espera de { $service } { $when } ({ $position }).
waitlist-none = No hay inscripciones en la lista de espera.
waitlist = Lista de espera: { $items }.
waitlist-item = { $member }, { $service } { $when }
waitlist-offered = hay una plaza guardada el { $at } hasta las { $until }: resérvela con book_session para confirmarla
waitlist-left = { $member } ha salido de la lista de espera de { $service } { $when }.
waitlist-left-already = Esa inscripción ya no estaba activa en la lista de espera; no ha cambiado nada.
booking-held = { $what }, guardada hasta las { $until }

## get_business_info

business-phone = Teléfono { $phone }.
business-now = Ahora son las { $time } del { $date }.
business-closed-on = Cerrado el { $days }.
hours-range = de { $from } a { $to }
hours-open-today = Hoy abre { $ranges }.
hours-sessions-today = Hoy hay sesiones de { $first } a { $last }.
hours-closed-today = Hoy está cerrado.

## Qué enviar en su lugar (completa "Falta date: …")

hint-integer = envíe un número entero, como 12345
hint-text = envíe un texto
hint-text-list = envíe una lista de textos, como ["a", "b"]
hint-date = envíe la fecha como AAAA-MM-DD (por ejemplo 2026-11-21), today, tomorrow o un día de la semana, como saturday o sábado
hint-date-list = envíe una lista de fechas AAAA-MM-DD, como ["2026-11-21"]
hint-time = envíe la hora como HH:MM en formato de 24 horas, por ejemplo 14:00
hint-time-list = envíe una lista de horas HH:MM, como ["08:00"]
hint-weekdays = envíe nombres de días de la semana, como ["saturday"] o ["sábado"]
hint-status = use upcoming, past, cancelled o all
hint-attributes = envíe un objeto como {"{"}"level": ["Intermediario2"]{"}"}
hint-booking-ref = envíe booking_id (un número) o voucher_code (como KRM-482); get_bookings lista las reservas
hint-member = envíe member_id o member_name; get_members lista los miembros
hint-name = envíe el nombre completo de la persona en name
hint-service = get_business_info lista los servicios
hint-boolean = envíe true o false

## Errores

missing = Falta { $field }: { $hint }.
invalid = { $field } no es válido ("{ $got }"): { $hint }.
invalid-input = El valor enviado en { $field } no es válido.
invalid-input-hint = El valor enviado en { $field } no es válido: { $hint }.
staff-not-for-service = Ese profesional no ofrece este servicio. get_business_info muestra quién ofrece cada servicio.
not-found-member = Ese miembro no está entre los miembros de este cliente. Use get_members y envíe uno de sus member_id.
not-found-booking = Esa reserva no está entre las reservas de este cliente. Use get_bookings y envíe el booking_id o voucher_code correcto.
not-found-service = Servicio no encontrado. get_business_info lista los servicios.
not-found-branch = Sede no encontrada. get_business_info lista las sedes.
not-found = No se ha encontrado ese registro. Ofrezca transferir la llamada al equipo.
unsafe-text = El texto en { $field } contiene caracteres de control o de dirección del texto: envíe solo texto simple.
choose-service = ¿Qué servicio? Las opciones son: { $list }.
choose-member = ¿Para qué miembro? Los miembros de este cliente son: { $list }.
choose-staff = ¿Con qué profesional? Las opciones son: { $list }.
choose = ¿Qué { $field }? Las opciones son: { $list }.
invalid-phone = Número de teléfono no válido: envíelo en formato E.164, como +34912345678.
unknown-caller-may-register = Este número no tiene cuenta de cliente. Pregunte el nombre completo de la persona y envíelo en name para registrarla y hacer la reserva.
unknown-caller = Este número no tiene cuenta de cliente, y { $company } solo reserva para clientes registrados. Ofrezca transferir la llamada al equipo.
which-member = ¿Para qué miembro es la reserva? Envíe member_id: { $list }.
no-such-slot = No hay sesión de { $service } el { $at }.
slot-full = La sesión de { $service } del { $at } está completa.
in-the-past = Ese horario ya ha empezado o ya ha pasado.
day-passed = El { $date } ya ha pasado: ofrezca hoy o un día posterior.
too-soon = Ese horario es demasiado pronto: las reservas necesitan al menos { $minutes } minutos de antelación.
outside-window = Esa fecha está demasiado lejos: las reservas se abren como máximo con { $days } días de antelación.
quota-reached = { $who } ya tiene { $active } { $active ->
    [one] reserva activa
   *[other] reservas activas
} y el máximo permitido es { $limit }. Para reservar otra, cancele o cambie la reserva existente.
this-member = Este miembro
active-bookings = Reserva activa: { $items }.
not-active = Esta reserva está { $status } y ya no se puede cambiar.
range-too-long = El período puede abarcar como máximo { $max } días, no { $requested }: envíe date_from y date_to más cercanos.
unavailable = El sistema de reservas no está disponible en este momento. Inténtelo de nuevo en unos instantes.
alternatives-for-service = Horarios libres de { $service }: { $list }.
alternatives = Horarios libres: { $list }.
arguments-not-object = Los argumentos deben ser un objeto JSON, como {"{"}"date": "2026-11-21"{"}"}.
arguments-unreadable = No se pueden leer los argumentos: envíe un objeto JSON válido.
unknown-tool = La herramienta "{ $name }" no existe. Las herramientas son: { $tools }.
caller-number-unknown = No se conoce el número de teléfono de quien llama. Pregúntelo y envíelo en phone.
unknown-function = La función "{ $name }" no existe. Las funciones son: { $functions }.
slot-available = { $service } tiene una plaza libre ahora mismo: resérvela con book_session en lugar de entrar en la lista de espera.
already-booked = Este miembro ya tiene reserva en { $service } el { $at }.
not-found-waitlist = No existe esa inscripción en la lista de espera para esta persona. Llame a get_waitlist y envíe uno de sus valores entry_id.
