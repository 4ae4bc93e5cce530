# Mensajes que leen clientes y personal: SMS y correos, escritos por el repartidor de mensajes en
# el idioma del negocio. Variables: ver locales/en-US/frontdesk-delivery.ftl.

## SMS al cliente
sms-confirmed = { $company }: { $service } para { $who } está reservado para el { $date } a las { $time }. Código de confirmación { $code }.
sms-rescheduled = { $company }: { $service } para { $who } se ha cambiado al { $date } a las { $time }. Código de confirmación { $code }.
sms-cancelled = { $company }: { $service } para { $who } el { $date } a las { $time } está cancelado. Código de confirmación { $code }.
sms-reminder = { $company }: recordatorio de { $service } para { $who } el { $date } a las { $time }. Código de confirmación { $code }.
sms-waitlist-booked = { $company }: ¡se ha liberado una plaza! { $service } para { $who } está reservado el { $date } a las { $time }. Código de confirmación { $code }.
sms-waitlist-offered = { $company }: se ha liberado una plaza en { $service } para { $who } el { $date } a las { $time }. Está guardada para usted hasta las { $until }: responda SÍ o llámenos para confirmarla. Código { $code }.

## Correo al cliente
mail-subject-confirmed = Reserva confirmada: { $service } el { $date } a las { $time }
mail-subject-rescheduled = Reserva cambiada: { $service } el { $date } a las { $time }
mail-subject-cancelled = Reserva cancelada: { $service } el { $date } a las { $time }
mail-subject-reminder = Recordatorio: { $service } el { $date } a las { $time }
mail-greeting = Hola, { $name }:
mail-greeting-anonymous = Hola:
mail-intro-confirmed = su reserva en { $company } está confirmada.
mail-intro-rescheduled = su reserva en { $company } se ha cambiado de hora.
mail-intro-cancelled = su reserva en { $company } está cancelada.
mail-intro-reminder = le recordamos su reserva en { $company }.
mail-subject-waitlist-booked = Se ha liberado una plaza: { $service } el { $date } a las { $time }
mail-subject-waitlist-offered = Tiene una plaza guardada: { $service } el { $date } a las { $time }
mail-intro-waitlist-booked = se ha liberado una plaza en { $company } y la hemos reservado para usted desde la lista de espera.
mail-intro-waitlist-offered = se ha liberado una plaza en { $company } y está guardada para usted hasta las { $until }. Llámenos para confirmarla.
mail-label-service = Servicio
mail-label-for = Para
mail-label-when = Cuándo
mail-label-before = Antes
mail-label-where = Dónde
mail-label-with = Con
mail-label-code = Código de confirmación
mail-label-customer = Cliente
mail-label-reason = Motivo
mail-calendar = La invitación adjunta la añade a su calendario.
mail-signature = { $company }

## Aviso al propio negocio
notice-subject-confirmed = Nueva reserva: { $service }, { $date } { $time }, { $who }
notice-subject-rescheduled = Reserva cambiada: { $service }, { $date } { $time }, { $who }
notice-subject-cancelled = Reserva cancelada: { $service }, { $date } { $time }, { $who }
notice-intro-confirmed = Se ha hecho una reserva.
notice-intro-rescheduled = Se ha cambiado una reserva.
notice-intro-cancelled = Se ha cancelado una reserva.
notice-subject-offered = Plaza guardada de la lista de espera: { $service }, { $date } { $time }, { $who }
notice-intro-waitlist-booked = Una plaza liberada se ha reservado desde la lista de espera.
notice-intro-waitlist-offered = Una plaza liberada está guardada para una inscripción de la lista de espera hasta que se confirme.

## Replies to a text a customer sends (Twilio's inbound webhook)
sms-reply-yes-words = sí, si, s, ok, vale, confirmo
sms-reply-nothing-held = No hay ninguna plaza guardada para este número ahora mismo. Llámenos para reservar.
sms-reply-say-yes = Para quedarse con la plaza guardada para usted, responda SÍ.
