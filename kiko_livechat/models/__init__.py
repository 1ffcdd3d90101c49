"""All tables; importing this package registers every table on SQLModel.metadata."""

from kiko_livechat.models.accounts import (
    Account,
    AccountUser,
    ApiAccessToken,
    AuthSession,
    Availability,
    Invitation,
    LoginThrottle,
    NotificationPreference,
    Plan,
    Role,
    SessionHandover,
    SessionKind,
    User,
)
from kiko_livechat.models.contacts import Contact, ContactInbox
from kiko_livechat.models.conversations import (
    Attachment,
    CannedResponse,
    Conversation,
    ConversationLabel,
    ConversationStatus,
    Label,
    Message,
    MessageType,
    Priority,
    SenderType,
)
from kiko_livechat.models.inboxes import ChannelType, Inbox, InboxMember
from kiko_livechat.models.integrations import AlertEmail, DeliveryStatus, Webhook, WebhookDelivery, WebhookTarget
from kiko_livechat.models.reporting import ReportingEvent, ReportingEventName
from kiko_livechat.models.teams import Team, TeamMember

__all__ = [
    "Account",
    "AlertEmail",
    "AccountUser",
    "ApiAccessToken",
    "Attachment",
    "AuthSession",
    "SessionHandover",
    "Availability",
    "CannedResponse",
    "ChannelType",
    "Contact",
    "ContactInbox",
    "Conversation",
    "ConversationLabel",
    "ConversationStatus",
    "DeliveryStatus",
    "Inbox",
    "InboxMember",
    "Invitation",
    "Label",
    "LoginThrottle",
    "Message",
    "MessageType",
    "NotificationPreference",
    "Plan",
    "Priority",
    "ReportingEvent",
    "ReportingEventName",
    "Role",
    "SenderType",
    "SessionKind",
    "Team",
    "TeamMember",
    "User",
    "Webhook",
    "WebhookDelivery",
    "WebhookTarget",
]
