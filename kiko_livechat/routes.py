"""Route paths, in one place so links and redirects cannot drift apart."""

LOGIN = "/login"
APP_HOME = "/app/inbox"
INBOX = "/app/inbox"
# One conversation; the page reads the `conversation_number` route argument (its number in the account).
CONVERSATION = "/app/conversations/[conversation_number]"
CONTACTS = "/app/contacts"
# One contact's page; the page reads the `contact_id` route argument.
CONTACT = "/app/contacts/[contact_id]"
# The contact import: choosing a file, then one import's mapping, dry run and progress.
CONTACT_IMPORT = "/app/contacts/import"
CONTACT_IMPORT_DETAIL = "/app/contacts/imports/[import_id]"
REPORTS = "/app/reports"
SETTINGS = "/app/settings"
SETTINGS_AGENTS = "/app/settings/agents"
SETTINGS_TEAMS = "/app/settings/teams"
SETTINGS_INBOXES = "/app/settings/inboxes"
SETTINGS_LABELS = "/app/settings/labels"
SETTINGS_CANNED = "/app/settings/canned-responses"
# One inbox's settings; the page reads the `inbox_id` route argument.
SETTINGS_INBOX = "/app/settings/inboxes/[inbox_id]"
# Accepting an invitation; the link carries the invitation token as `invite_code`.
INVITE = "/invite/[invite_code]"
# The visitor's chat page inside the website's iframe.
WIDGET = "/widget/[inbox_token]"
# The operator's console, a login space of its own.
ADMIN = "/admin"
ADMIN_LOGIN = "/admin/login"


def inbox_settings(inbox_id: object) -> str:
    """The settings page of one inbox (works with an int or a Var)."""
    return "/app/settings/inboxes/" + str(inbox_id) if isinstance(inbox_id, int) else SETTINGS_INBOXES + "/" + inbox_id


# The HTTP routes that set and clear the HttpOnly login cookies (api/session_cookie.py).
AUTH_SESSION = "/auth/session"
AUTH_LOGOUT = "/auth/logout"
# The composer's "/" picker asks this HTTP route for canned responses (api/dashboard_canned.py).
CANNED_PICKER = "/app-data/canned-picker"
# Attachments (api/files.py): an agent's upload, a visitor's upload, and the file route.
UPLOADS = "/app-data/uploads"
WIDGET_UPLOADS = "/widget-data/{inbox_token}/uploads"
FILES = "/files"
# The contact import page sends its file here, and downloads the rejected rows (api/contact_imports.py).
CONTACT_IMPORT_UPLOADS = "/app-data/contact-imports"
CONTACT_EXPORT = "/app-data/contacts/export"


def contact_import_page(import_id: int) -> str:
    return f"/app/contacts/imports/{import_id}"
