# O console da recepção: o que a equipe da empresa lê no navegador.

## Moldura da página
skip-to-content = Pular para o conteúdo
nav-label = Console
nav-today = Hoje
nav-agenda = Agenda
nav-calls = Ligações
nav-customers = Clientes
nav-waitlist = Lista de espera
nav-messages = Mensagens
nav-settings = Configurações
log-out = Sair
back-to-today = Voltar para hoje

## Entrar
login-title = Entrar na recepção
login-email = E-mail
login-password = Senha
login-submit = Entrar
login-failed = E-mail ou senha incorretos.
login-expired = O formulário expirou. Entre novamente.
login-too-many = Muitas tentativas a partir deste endereço. Aguarde um minuto e tente de novo.

## Erros
error-forbidden = Você não tem permissão para abrir esta página.
error-not-found = Não há nada aqui.
error-date = Isso não é uma data. Escolha uma no calendário.

## O que acabou de acontecer
done-booked = Reservado. O cliente recebe uma confirmação.
done-moved = Remarcado. O cliente é avisado do novo horário.
done-cancelled = Cancelado. O cliente é avisado.
done-saved = Salvo.
done-retried = A mensagem voltou para a fila.
done-closed = O dia está fechado.
done-reopened = O dia está aberto de novo.
done-key-revoked = A chave foi revogada.
done-operator-added = O usuário já pode entrar.
done-operator-disabled = O usuário foi desativado e desconectado.
done-operator-enabled = O usuário pode entrar de novo.
done-language = O idioma do seu console foi salvo.

## Agenda
today-title = Hoje, { $date }
agenda-filters = Mostrar a agenda
agenda-view = Visualização
agenda-day = Dia
agenda-week = Semana
any = Qualquer
show = Mostrar
earlier = Antes
later = Depois
new-booking = Nova reserva
book = Reservar
no-sessions = Nenhuma sessão neste dia.
places-left = { $left ->
    [0] Lotado ({ $capacity } vagas)
    [one] Resta { $left } de { $capacity } vagas
   *[other] Restam { $left } de { $capacity } vagas
}
no-member = (sem membro)

## Campos e colunas
field-date = Data
field-time = Horário
field-branch = Unidade
field-staff = Profissional
field-service = Serviço
field-phone = Telefone
field-new-customer-name = Nome (clientes novos)
field-reason = Motivo
field-name = Nome
field-email = E-mail
field-role = Perfil
field-password = Senha
field-language = Idioma
field-kind = Tipo
field-search = Nome ou telefone
col-member = Membro
col-customer = Cliente
col-code = Código
col-source = Origem
col-status = Status
col-when = Quando
col-what = O quê
col-detail = Detalhe
col-kind = Tipo
col-channel = Canal
col-recipient = Destinatário
col-caller = Quem ligou
col-duration = Duração
col-bookings = Reservas
col-tool = Ferramenta
col-answer = Resposta
col-slot = Sessão
col-position = Posição na fila
col-auto-book = Reserva automática
col-attempts = Tentativas

## De onde veio uma reserva
source-mcp = Agente de voz (MCP)
source-retell = Agente de voz (Retell)
source-vapi = Agente de voz (Vapi)
source-gateway = Gateway
source-admin = Arquivo da empresa
source-waitlist = Lista de espera
source-console = Console

## Status de uma reserva
status-confirmed = Confirmada
status-held = Guardada pela lista de espera
status-cancelled = Cancelada
status-completed = Concluída
status-no_show = Falta

## Uma reserva
held-until = guardada até { $until }
move-title = Remarcar para outro horário
move = Remarcar
cancel-title = Cancelar
cancel-booking = Cancelar a reserva
audit-trail = Histórico
event-created = Reservada
event-rescheduled = Remarcada
event-cancelled = Cancelada
event-confirmed = Confirmada
event-held = Guardada pela lista de espera
no-messages = Nenhuma mensagem.

## Ligações
no-calls = Nenhuma ligação ainda.
unknown-number = número desconhecido
older = Mais antigas
call-title = Ligação
duration = { $minutes } min { $seconds } s
tool-calls = O que o agente fez
no-tool-calls = O agente não chamou nenhuma ferramenta.
transcript = Transcrição
no-transcript = Sem transcrição.
no-bookings = Nenhuma reserva.

## Clientes
search = Buscar
no-customers = Nenhum cliente encontrado.
no-name = (sem nome)
customer-details = Dados
save = Salvar
members = Família
member-level = Nível
member-relationship = Parentesco
preferences = Preferências
member-new = Novo membro
member-add = Adicionar membro
no-waitlist = Ninguém está esperando.
yes = Sim
no = Não

## Mensagens
retry = Enviar de novo

## Conta
account-title = Sua conta
language-business = O idioma da empresa
# O nome do idioma no próprio idioma, como aparece no seletor de idioma.
language-name = Português (Brasil)

## Perfis
role-owner = Proprietário
role-staff = Funcionário

## Configurações
settings-sections = Seções das configurações
closures-title = Dias fechados
close-day = Fechar este dia
no-closures = Nenhum dia fechado programado.
closed = Fechado
special-hours = Horário especial
reopen = Reabrir
affected-title = Reservas nesse dia
affected-intro = Estas reservas confirmadas ficariam fora do horário. Elas continuam reservadas até você remarcá-las ou cancelá-las.
close-anyway = Fechar o dia mesmo assim
keep-open = Manter aberto
policy-title = Regras de reserva
policy-notice = Antecedência mínima (minutos)
policy-window = Janela de reserva (dias)
policy-quota = Reservas ativas por membro (vazio: sem limite)
policy-free-cancel = Cancelamento grátis até (horas antes)
policy-reminders = Lembretes (ex.: 24h, 2h)
policy-hold = Vaga guardada para a lista de espera (minutos)
policy-unknown = Quem liga pela primeira vez pode reservar
file-title = Horários, serviços e equipe
file-intro = O arquivo da empresa: horário de funcionamento, intervalos, serviços, equipe e unidades. Verificar mostra, antes de salvar, o que mudaria e quais reservas ficariam fora do novo horário.
file-label = Arquivo da empresa (TOML)
file-check = Verificar
plan-title = O que mudaria ao salvar
plan-nothing = Nada mudaria.
keys-title = Chaves de API
key-shown-once = Copie esta chave agora: ela só é mostrada uma vez.
key-mcp = MCP (agentes de voz)
key-gateway = Gateway
key-create = Criar chave
key-prefix = Começa com
key-created = Criada
revoke = Revogar
revoked = Revogado
voice-title = Plataformas de voz
voice-intro = Cole estes endereços no Retell ou no Vapi. A chave de API do Retell e o segredo do Vapi são definidos no arquivo da empresa.
url-mcp = MCP (Streamable HTTP)
url-sse = MCP (SSE)
url-retell-function = Funções personalizadas do Retell
url-retell-webhook = Webhook do Retell
url-vapi = Chamadas de ferramentas do Vapi
url-gateway = Gateway JSON-RPC
configured = Configurado
not-configured = Não configurado
webhooks-title = Webhooks
feeds-title = Agendas assinadas
none-yet = Nenhum ainda.
webhook-url = Endereço (https)
webhook-events = Eventos (vazio: todos)
webhook-add = Adicionar webhook
webhook-secret-once = Copie agora o segredo de assinatura: ele só é mostrado uma vez.
remove = Remover
feed-of = Reservas de
feed-create = Criar agenda assinada
feed-url-once = Copie agora este endereço da agenda: ele só é mostrado uma vez, e é a senha.
operators-title = Usuários
operator-add = Adicionar usuário
disabled = Desativado
active = Ativo
enable = Ativar
disable = Desativar
you = Você
