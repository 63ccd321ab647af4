"""People: user accounts (email login), practitioners and their organization roles."""

import peewee

from jhe_core.models.base import BaseModel, utcnow
from jhe_core.models.organizations import Organization

ROLES = ("manager", "member", "viewer")


class User(BaseModel):
    """An account that can log in. Patients and practitioners each have one."""

    email = peewee.CharField(max_length=254, unique=True)  # stored lower-cased
    password_hash = peewee.CharField(max_length=255, null=True)
    first_name = peewee.CharField(max_length=150, default="")
    last_name = peewee.CharField(max_length=150, default="")
    user_type = peewee.CharField(max_length=20, default="practitioner")  # practitioner | patient
    is_superuser = peewee.BooleanField(default=False)
    is_active = peewee.BooleanField(default=True)
    date_joined = peewee.DateTimeField(default=utcnow)
    last_login = peewee.DateTimeField(null=True)


class Practitioner(BaseModel):
    user = peewee.ForeignKeyField(User, unique=True, backref="practitioner_rows", on_delete="CASCADE")
    created = peewee.DateTimeField(default=utcnow)


class PractitionerOrganization(BaseModel):
    """A practitioner's role (manager, member, viewer) in one organization."""

    practitioner = peewee.ForeignKeyField(Practitioner, backref="memberships", on_delete="CASCADE")
    organization = peewee.ForeignKeyField(Organization, backref="practitioner_links", on_delete="CASCADE")
    role = peewee.CharField(max_length=20, default="member")

    class Meta:
        indexes = ((("practitioner", "organization"), True), (("organization", "practitioner"), False))
