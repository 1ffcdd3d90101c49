"""Route paths, in one place so links and redirects cannot drift apart."""

LOGIN = "/login"
APP_HOME = "/app/inbox"
INBOX = "/app/inbox"
CONTACTS = "/app/contacts"
REPORTS = "/app/reports"
SETTINGS = "/app/settings"
