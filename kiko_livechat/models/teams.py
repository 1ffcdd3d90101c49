"""Teams of agents inside an account."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kiko_livechat.models.base import account_fk, created_at_field


class Team(SQLModel, table=True):
    __tablename__ = "teams"
    __table_args__ = (sa.UniqueConstraint("account_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    name: str = Field(max_length=100)
    description: str = Field(default="", max_length=500)
    allow_auto_assign: bool = Field(default=True)
    created_at: datetime = created_at_field()


class TeamMember(SQLModel, table=True):
    __tablename__ = "team_members"
    __table_args__ = (sa.UniqueConstraint("team_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    team_id: int = Field(foreign_key="teams.id", nullable=False, index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", nullable=False, index=True, ondelete="CASCADE")
