# La consola del negocio: lo que el personal del negocio lee en su navegador.

## Marco de la página
skip-to-content = Saltar al contenido
nav-label = Consola
nav-today = Hoy
nav-agenda = Agenda
nav-calls = Llamadas
nav-customers = Clientes
nav-waitlist = Lista de espera
nav-messages = Mensajes
nav-settings = Configuración
log-out = Cerrar sesión
back-to-today = Volver a hoy

## Inicio de sesión
login-title = Iniciar sesión en la recepción
login-email = Correo electrónico
login-password = Contraseña
login-submit = Iniciar sesión
login-failed = El correo electrónico o la contraseña no son correctos.
login-expired = El formulario ha caducado. Vuelva a iniciar sesión.
login-too-many = Demasiados intentos desde esta dirección. Espere un minuto y vuelva a intentarlo.

## Errores
error-forbidden = No tiene permiso para abrir esta página.
error-not-found = Aquí no hay nada.
error-date = Eso no es una fecha. Elija una en el calendario.

## Lo que acaba de pasar
done-booked = Reservado. El cliente recibirá una confirmación.
done-moved = Cambiado. Se informa al cliente de la nueva hora.
done-cancelled = Cancelado. Se informa al cliente.
done-saved = Guardado.
done-retried = El mensaje vuelve a estar en cola.
done-closed = El día está cerrado.
done-reopened = El día vuelve a estar abierto.
done-key-revoked = La clave está revocada.
done-operator-added = El usuario ya puede iniciar sesión.
done-operator-disabled = El usuario está desactivado y se ha cerrado su sesión.
done-operator-enabled = El usuario puede volver a iniciar sesión.
done-language = Se ha guardado el idioma de su consola.

## Agenda
today-title = Hoy, { $date }
agenda-filters = Mostrar la agenda
agenda-view = Vista
agenda-day = Día
agenda-week = Semana
any = Cualquiera
show = Mostrar
earlier = Antes
later = Después
new-booking = Nueva reserva
book = Reservar
no-sessions = No hay sesiones este día.
places-left = { $left ->
    [0] Completo ({ $capacity } plazas)
    [one] Queda 1 de { $capacity } plazas
   *[other] Quedan { $left } de { $capacity } plazas
}
no-member = (sin miembro)

## Campos y columnas
field-date = Fecha
field-time = Hora
field-branch = Sede
field-staff = Profesional
field-service = Servicio
field-phone = Número de teléfono
field-new-customer-name = Nombre (clientes nuevos)
field-reason = Motivo
field-name = Nombre
field-email = Correo electrónico
field-role = Rol
field-password = Contraseña
field-language = Idioma
field-kind = Tipo
field-search = Nombre o número de teléfono
col-member = Miembro
col-customer = Cliente
col-code = Código
col-source = Origen
col-status = Estado
col-when = Cuándo
col-what = Qué
col-detail = Detalle
col-kind = Tipo
col-channel = Canal
col-recipient = Destinatario
col-caller = Quién llama
col-duration = Duración
col-bookings = Reservas
col-tool = Herramienta
col-answer = Respuesta
col-slot = Sesión
col-position = Puesto en la cola
col-auto-book = Reserva automática
col-attempts = Intentos

## De dónde vino una reserva
source-mcp = Agente de voz (MCP)
source-retell = Agente de voz (Retell)
source-vapi = Agente de voz (Vapi)
source-gateway = Pasarela
source-admin = Archivo del negocio
source-waitlist = Lista de espera
source-console = Consola

## Estados de una reserva
status-confirmed = Confirmada
status-held = Guardada de la lista de espera
status-cancelled = Cancelada
status-completed = Completada
status-no_show = No presentada

## Una reserva
held-until = guardada hasta { $until }
move-title = Cambiar a otra hora
move = Cambiar
cancel-title = Cancelar
cancel-booking = Cancelar la reserva
audit-trail = Historial
event-created = Reservada
event-rescheduled = Cambiada
event-cancelled = Cancelada
event-confirmed = Confirmada
event-held = Guardada de la lista de espera
no-messages = No hay mensajes.

## Llamadas
no-calls = Todavía no hay llamadas.
unknown-number = número desconocido
older = Anteriores
call-title = Llamada
duration = { $minutes } min { $seconds } s
tool-calls = Qué hizo el agente
no-tool-calls = El agente no usó ninguna herramienta.
transcript = Transcripción
no-transcript = Sin transcripción.
no-bookings = No hay reservas.

## Clientes
search = Buscar
no-customers = No se han encontrado clientes.
no-name = (sin nombre)
customer-details = Datos
save = Guardar
members = Familia
member-level = Nivel
member-relationship = Parentesco
preferences = Preferencias
member-new = Nuevo miembro
member-add = Añadir miembro
no-waitlist = No hay nadie en espera.
yes = Sí
no = No

## Mensajes
retry = Volver a enviar

## Cuenta
account-title = Su cuenta
language-business = El idioma del negocio
# El nombre del idioma en el propio idioma, tal como lo muestra el selector de idioma.
language-name = Español

## Roles
role-owner = Propietario
role-staff = Empleado

## Configuración
settings-sections = Secciones de la configuración
closures-title = Días cerrados
close-day = Cerrar este día
no-closures = No hay días cerrados próximamente.
closed = Cerrado
special-hours = Horario especial
reopen = Reabrir
affected-title = Reservas de ese día
affected-intro = Estas reservas confirmadas quedarían fuera del horario. Siguen reservadas hasta que las cambie o las cancele.
close-anyway = Cerrar el día de todos modos
keep-open = Mantenerlo abierto
policy-title = Reglas de reserva
policy-notice = Antelación mínima (minutos)
policy-window = Plazo de reserva (días)
policy-quota = Reservas activas por miembro (vacío: sin límite)
policy-free-cancel = Cancelación gratuita hasta (horas antes)
policy-reminders = Recordatorios (p. ej., 24h, 2h)
policy-hold = Plaza guardada para la lista de espera (minutos)
policy-unknown = Quien llama por primera vez puede reservar
file-title = Horario, servicios y personal
file-intro = El archivo del negocio: horario de apertura, pausas, servicios, personal y sedes. «Comprobar» muestra, antes de guardar, qué cambiaría y qué reservas quedarían fuera del nuevo horario.
file-label = Archivo del negocio (TOML)
file-check = Comprobar
plan-title = Qué cambiaría al guardar
plan-nothing = No cambiaría nada.
keys-title = Claves de API
key-shown-once = Copie esta clave ahora: solo se muestra una vez.
key-mcp = MCP (agentes de voz)
key-gateway = Pasarela
key-create = Crear clave
key-prefix = Empieza por
key-created = Creada
revoke = Revocar
revoked = Revocado
voice-title = Plataformas de voz
voice-intro = Pegue estas direcciones en Retell o Vapi. La clave de API de Retell y el secreto de Vapi se configuran en el archivo del negocio.
url-mcp = MCP (Streamable HTTP)
url-sse = MCP (SSE)
url-retell-function = Funciones personalizadas de Retell
url-retell-webhook = Webhook de Retell
url-vapi = Llamadas a herramientas de Vapi
url-gateway = Pasarela JSON-RPC
configured = Configurado
not-configured = Sin configurar
webhooks-title = Webhooks
feeds-title = Calendarios suscritos
none-yet = Todavía no hay ninguno.
webhook-url = Dirección (https)
webhook-events = Eventos (vacío: todos)
webhook-add = Añadir webhook
webhook-secret-once = Copie ahora el secreto de firma: solo se muestra una vez.
remove = Quitar
feed-of = Reservas de
feed-create = Crear calendario suscrito
feed-url-once = Copie ahora esta dirección del calendario: solo se muestra una vez y es la contraseña.
operators-title = Usuarios
operator-add = Añadir usuario
disabled = Desactivado
active = Activo
enable = Activar
disable = Desactivar
you = Usted
