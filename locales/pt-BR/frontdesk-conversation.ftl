# O que o frontdesk diz ao agente de voz, para ser lido em voz alta como está.
# Nomes de argumentos (member_id, voucher_code, get_members…) ficam literais: o agente age
# sobre eles. Datas, horários e listas chegam já falados ($at = "sábado, 21 de novembro às 08:00").

## Peças

date-at-time = { $date } às { $time }
and-more = E mais { $n }.
places-left = { $n ->
    [one] { $n } vaga
   *[other] { $n } vagas
}
attribute-level = nível
attribute-wave-side = lado da onda
booking-for = { $what } para { $member }
booking-with = { $what }, com { $staff }
booking-code = { $what }, código { $code }
status = { $status ->
    [confirmed] confirmada
    [cancelled] cancelada
    [completed] concluída
    [no_show] marcada como falta
    [held] reservada para você
   *[other] inativa
}

## get_members

members-unknown-caller = Este número de telefone não tem cadastro.
members-none = A conta não tem membros cadastrados.
members-list = Membros da conta: { $names }.

## get_member_preferences e set_member_preferences

preferences-empty = { $saved ->
    [yes] Preferências de { $member } apagadas.
   *[no] { $member } ainda não tem preferências salvas.
}
preferences = { $saved ->
    [yes] Preferências de { $member } salvas: { $parts }.
   *[no] Preferências de { $member }: { $parts }.
}
preferences-services = serviços { $list }
preferences-times = { $n ->
    [one] horário { $list }
   *[other] horários { $list }
}
preferences-days = dias { $list }
preferences-dates = datas { $list }
preferences-note = observação: { $note }

## get_availability

availability-none-on = Não há horários livres em { $date }.
availability-none-between = Não há horários livres entre { $from } e { $to }.
availability-none = Não há horários livres.
availability-next = O próximo horário livre é { $at }, { $service }.
availability-ranked = Melhores opções para { $member }: { $items }.
availability-for-service = Horários livres de { $service }: { $days }.
availability = Horários livres: { $days }.

## book_session

booked-registered = Cadastro criado para { $name }.
booked = Reserva confirmada: { $what }. O código da reserva é { $code }.
booked-replayed = Essa reserva já estava feita: { $what }. O código da reserva é { $code }.

## get_bookings

bookings-none = { $status ->
    [upcoming] Não há reservas futuras.
    [past] Não há reservas passadas.
    [cancelled] Não há reservas canceladas.
   *[all] Não há reservas.
}
bookings = { $status ->
    [upcoming] Reservas futuras
    [past] Reservas passadas
    [cancelled] Reservas canceladas
   *[all] Reservas
}: { $items }.

## cancel_booking

cancel-already = A reserva { $code } já estava cancelada.
cancelled = Reserva { $code } cancelada: { $what }. { $refund ->
    [yes] O cancelamento é gratuito.
   *[no] O prazo de cancelamento gratuito já tinha passado, então não há reembolso.
}

## reschedule_booking

reschedule-unchanged = A reserva { $code } já está marcada para { $at }, { $service }: nada foi alterado.
rescheduled = Reserva { $code } remarcada de { $before } para { $after }, { $service }.

## join_waitlist, get_waitlist e leave_waitlist

waitlist-day = em { $date }
waitlist-days = entre { $from } e { $to }
waitlist-times-between = , com início entre { $from } e { $to }
waitlist-times-at = , com início às { $time }
waitlist-times-after = , com início a partir de { $from }
waitlist-times-before = , com início até { $to }
waitlist-position = número { $n } na fila
waitlist-joined = { $member } está na lista de espera de { $service } { $when } ({ $position }). { $auto ->
    [yes] Se uma vaga abrir, ela é reservada automaticamente e uma mensagem de texto confirma.
   *[no] Se uma vaga abrir, ela fica guardada por pouco tempo e é oferecida por mensagem de texto; o cliente confirma respondendo SIM à mensagem ou ligando de volta.
}
waitlist-already = { $member } já estava na lista de espera de { $service } { $when } ({ $position }).
waitlist-none = Não há inscrições na lista de espera.
waitlist = Lista de espera: { $items }.
waitlist-item = { $member }, { $service } { $when }
waitlist-offered = uma vaga está guardada em { $at } até { $until }: reserve com book_session para confirmar
waitlist-left = { $member } saiu da lista de espera de { $service } { $when }.
waitlist-left-already = Essa inscrição na lista de espera não estava mais ativa; nada mudou.
booking-held = { $what }, guardada até { $until }

## get_business_info

business-phone = Telefone { $phone }.
business-now = Agora são { $time } de { $date }.
business-closed-on = Fechado em { $days }.
hours-range = das { $from } às { $to }
hours-open-today = Hoje o atendimento é { $ranges }.
hours-sessions-today = Hoje há sessões das { $first } às { $last }.
hours-closed-today = Hoje está fechado.

## O que enviar (completa "Falta date: …")

hint-integer = envie um número inteiro, como 12345
hint-text = envie um texto
hint-text-list = envie uma lista de textos, como ["a", "b"]
hint-date = envie a data como AAAA-MM-DD (por exemplo 2026-11-21), today, tomorrow ou um dia da semana, como saturday ou sábado
hint-date-list = envie uma lista de datas AAAA-MM-DD, como ["2026-11-21"]
hint-time = envie o horário como HH:MM no formato 24 horas, por exemplo 14:00
hint-time-list = envie uma lista de horários HH:MM, como ["08:00"]
hint-weekdays = envie nomes de dias da semana, como ["saturday"] ou ["sábado"]
hint-status = use upcoming, past, cancelled ou all
hint-attributes = envie um objeto como {"{"}"level": ["Intermediario2"]{"}"}
hint-booking-ref = envie booking_id (um número) ou voucher_code (como KRM-482); get_bookings lista as reservas
hint-member = envie member_id ou member_name; get_members lista os membros
hint-name = envie o nome completo da pessoa em name
hint-service = get_business_info lista os serviços
hint-boolean = envie true ou false

## Erros

missing = Falta { $field }: { $hint }.
invalid = { $field } inválido ("{ $got }"): { $hint }.
invalid-input = O valor enviado em { $field } não é válido.
invalid-input-hint = O valor enviado em { $field } não é válido: { $hint }.
staff-not-for-service = Esse profissional não atende esse serviço. get_business_info mostra quem atende cada serviço.
not-found-member = Esse membro não foi encontrado entre os membros deste cliente. Use get_members e envie um dos member_id da lista.
not-found-booking = Essa reserva não foi encontrada entre as reservas deste cliente. Use get_bookings e envie o booking_id ou voucher_code certo.
not-found-service = Serviço não encontrado. get_business_info lista os serviços.
not-found-branch = Unidade não encontrada. get_business_info lista as unidades.
not-found = Não foi possível encontrar esse registro. Ofereça transferir a ligação para a equipe.
unsafe-text = O texto em { $field } contém caracteres de controle ou de direção de texto: envie apenas texto simples.
choose-service = Qual serviço? As opções são: { $list }.
choose-member = Para qual membro? Os membros deste cliente são: { $list }.
choose-staff = Com qual profissional? As opções são: { $list }.
choose = Qual { $field }? As opções são: { $list }.
invalid-phone = Número de telefone inválido: envie no formato E.164, como +5511999999999.
unknown-caller-may-register = Este número não tem cadastro. Pergunte o nome completo da pessoa e envie-o em name para cadastrá-la e fazer a reserva.
unknown-caller = Este número não tem cadastro, e { $company } só faz reservas para clientes cadastrados. Ofereça transferir a ligação para a equipe.
which-member = Para qual membro é a reserva? Envie member_id: { $list }.
no-such-slot = Não há sessão de { $service } em { $at }.
slot-full = A sessão de { $service } em { $at } está lotada.
in-the-past = Esse horário já começou ou já passou.
day-passed = O dia { $date } já passou: ofereça hoje ou um dia seguinte.
too-soon = Esse horário é muito em cima da hora: as reservas precisam de pelo menos { $minutes } minutos de antecedência.
outside-window = Essa data está longe demais: as reservas abrem com no máximo { $days } dias de antecedência.
quota-reached = { $who } já tem { $active } { $active ->
    [one] reserva ativa
   *[other] reservas ativas
} e o máximo permitido é { $limit }. Para reservar outra, cancele ou remarque a reserva existente.
this-member = Este membro
active-bookings = Reserva ativa: { $items }.
not-active = Essa reserva está { $status } e não pode mais ser alterada.
range-too-long = O período pode ter no máximo { $max } dias, não { $requested }: envie date_from e date_to mais próximos.
unavailable = O sistema de reservas está temporariamente indisponível. Tente novamente em instantes.
alternatives-for-service = Horários livres de { $service }: { $list }.
alternatives = Horários livres: { $list }.
arguments-not-object = Os argumentos precisam ser um objeto JSON, como {"{"}"date": "2026-11-21"{"}"}.
arguments-unreadable = Não foi possível ler os argumentos: envie um objeto JSON válido.
unknown-tool = A ferramenta "{ $name }" não existe. As ferramentas são: { $tools }.
caller-number-unknown = O número de telefone de quem liga não é conhecido. Pergunte o número e envie-o em phone.
unknown-function = A função "{ $name }" não existe. As funções são: { $functions }.
slot-available = { $service } tem uma vaga livre agora: reserve com book_session em vez de entrar na lista de espera.
already-booked = Este membro já está reservado em { $service } em { $at }.
not-found-waitlist = Não existe essa inscrição na lista de espera para este cliente. Chame get_waitlist e envie um dos valores de entry_id.
