"""Who is calling: the user behind a token (practitioner or patient), the client, the scopes."""

from dataclasses import dataclass, field
from functools import cached_property

from jhe_core import models as m


@dataclass(eq=False)
class Actor:
    """The caller of a request. ``user`` is None for anonymous callers and for
    client-credentials tokens (then ``client`` is set)."""

    user: m.User | None = None
    client: m.OAuthClient | None = None
    scopes: frozenset = field(default_factory=frozenset)
    token: m.AccessToken | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.user is None and self.client is None

    @property
    def is_superuser(self) -> bool:
        return bool(self.user and self.user.is_superuser and self.user.is_active)

    @cached_property
    def practitioner(self) -> m.Practitioner | None:
        if self.user is None:
            return None
        return m.Practitioner.get_or_none(m.Practitioner.user == self.user)

    @cached_property
    def patient(self) -> m.Patient | None:
        if self.user is None:
            return None
        return m.Patient.get_or_none(m.Patient.user == self.user)

    @cached_property
    def roles(self) -> dict[int, str]:
        """organization id -> role, for a practitioner (loaded once per request)."""
        if self.practitioner is None:
            return {}
        links = (m.PractitionerOrganization
                 .select(m.PractitionerOrganization.organization, m.PractitionerOrganization.role)
                 .where(m.PractitionerOrganization.practitioner == self.practitioner))
        return {link.organization_id: link.role for link in links}

    def role_in(self, organization_ids) -> set[str]:
        return {self.roles[oid] for oid in organization_ids if oid in self.roles}

    def describe(self) -> str:
        if self.user is not None:
            return self.user.email
        if self.client is not None:
            return f"client:{self.client.client_id}"
        return "anonymous"


ANONYMOUS = Actor()
