"""Who is calling: the user behind a token (practitioner or patient), the client, the scopes."""

from dataclasses import dataclass, field
from functools import cached_property

from jhe_core import models as m

UNKNOWN = object()  # "not looked up yet", as opposed to None: "looked up, there is none"


@dataclass(eq=False)
class Actor:
    """The caller of a request. ``user`` is None for anonymous callers and for
    client-credentials tokens (then ``client`` is set).

    Authentication usually knows the caller's practitioner and patient ids already (one joined
    query); ``known_*_id`` carry them so no request pays a look-up it does not need.
    """

    user: m.User | None = None
    client: m.OAuthClient | None = None
    scopes: frozenset = field(default_factory=frozenset)
    token: m.AccessToken | None = None
    known_practitioner_id: object = UNKNOWN
    known_patient_id: object = UNKNOWN

    @property
    def is_anonymous(self) -> bool:
        return self.user is None and self.client is None

    @property
    def is_superuser(self) -> bool:
        return bool(self.user and self.user.is_superuser and self.user.is_active)

    @cached_property
    def practitioner_id(self) -> int | None:
        if self.known_practitioner_id is not UNKNOWN:
            return self.known_practitioner_id
        if self.user is None:
            return None
        row = m.Practitioner.select(m.Practitioner.id).where(m.Practitioner.user == self.user.id).first()
        return row.id if row else None

    @cached_property
    def patient_id(self) -> int | None:
        if self.known_patient_id is not UNKNOWN:
            return self.known_patient_id
        if self.user is None:
            return None
        row = m.Patient.select(m.Patient.id).where(m.Patient.user == self.user.id).first()
        return row.id if row else None

    @cached_property
    def practitioner(self) -> m.Practitioner | None:
        # A practitioner row holds nothing but its id and user: no query is needed.
        return None if self.practitioner_id is None else m.Practitioner(id=self.practitioner_id, user=self.user)

    @cached_property
    def patient(self) -> m.Patient | None:
        return None if self.patient_id is None else m.Patient.get_or_none(m.Patient.id == self.patient_id)

    @cached_property
    def roles(self) -> dict[int, str]:
        """organization id -> role, for a practitioner (loaded once per request)."""
        if self.practitioner_id is None:
            return {}
        links = (m.PractitionerOrganization
                 .select(m.PractitionerOrganization.organization, m.PractitionerOrganization.role)
                 .where(m.PractitionerOrganization.practitioner == self.practitioner_id))
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
