# Mensagens que clientes e equipe leem: SMS e e-mails, escritos pelo entregador de mensagens no
# idioma da empresa. Variáveis: veja locales/en-US/frontdesk-delivery.ftl.

## SMS ao cliente
sms-confirmed = { $company }: { $service } para { $who } está reservado para { $date } às { $time }. Código de confirmação { $code }.
sms-rescheduled = { $company }: { $service } para { $who } foi remarcado para { $date } às { $time }. Código de confirmação { $code }.
sms-cancelled = { $company }: { $service } para { $who } em { $date } às { $time } foi cancelado. Código de confirmação { $code }.
sms-reminder = { $company }: lembrete de { $service } para { $who } em { $date } às { $time }. Código de confirmação { $code }.
sms-waitlist-booked = { $company }: abriu uma vaga! { $service } para { $who } está reservado para { $date } às { $time }. Código de confirmação { $code }.
sms-waitlist-offered = { $company }: abriu uma vaga em { $service } para { $who } em { $date } às { $time }. Ela está guardada para você até { $until }: responda SIM ou ligue para confirmar. Código { $code }.

## E-mail ao cliente
mail-subject-confirmed = Reserva confirmada: { $service } em { $date } às { $time }
mail-subject-rescheduled = Reserva remarcada: { $service } em { $date } às { $time }
mail-subject-cancelled = Reserva cancelada: { $service } em { $date } às { $time }
mail-subject-reminder = Lembrete: { $service } em { $date } às { $time }
mail-greeting = Olá, { $name },
mail-greeting-anonymous = Olá,
mail-intro-confirmed = sua reserva em { $company } está confirmada.
mail-intro-rescheduled = sua reserva em { $company } foi remarcada.
mail-intro-cancelled = sua reserva em { $company } foi cancelada.
mail-intro-reminder = este é um lembrete da sua reserva em { $company }.
mail-subject-waitlist-booked = Abriu uma vaga: { $service } em { $date } às { $time }
mail-subject-waitlist-offered = Uma vaga está guardada para você: { $service } em { $date } às { $time }
mail-intro-waitlist-booked = abriu uma vaga em { $company } e nós a reservamos para você pela lista de espera.
mail-intro-waitlist-offered = abriu uma vaga em { $company } e ela está guardada para você até { $until }. Ligue para confirmar.
mail-label-service = Serviço
mail-label-for = Para
mail-label-when = Quando
mail-label-before = Antes
mail-label-where = Onde
mail-label-with = Com
mail-label-code = Código de confirmação
mail-label-customer = Cliente
mail-label-reason = Motivo
mail-calendar = O convite anexo coloca a reserva na sua agenda.
mail-signature = { $company }

## Aviso à própria empresa
notice-subject-confirmed = Nova reserva: { $service }, { $date } { $time }, { $who }
notice-subject-rescheduled = Reserva remarcada: { $service }, { $date } { $time }, { $who }
notice-subject-cancelled = Reserva cancelada: { $service }, { $date } { $time }, { $who }
notice-intro-confirmed = Uma reserva foi feita.
notice-intro-rescheduled = Uma reserva foi remarcada.
notice-intro-cancelled = Uma reserva foi cancelada.
notice-subject-offered = Vaga guardada pela lista de espera: { $service }, { $date } { $time }, { $who }
notice-intro-waitlist-booked = Uma vaga liberada foi reservada pela lista de espera.
notice-intro-waitlist-offered = Uma vaga liberada está guardada para uma inscrição da lista de espera até ser confirmada.

## Replies to a text a customer sends (Twilio's inbound webhook)
sms-reply-yes-words = sim, s, ok, confirmo, confirmar
sms-reply-nothing-held = Não há vaga guardada para este número agora. Ligue para reservar.
sms-reply-say-yes = Para ficar com a vaga guardada para você, responda SIM.
