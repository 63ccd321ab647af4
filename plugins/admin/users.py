"""``/api/v1/users/profile``: who am I, for practitioners and patients alike."""

from jhe_core import models as m

from jhe_plugins.admin.api import base_url, operation, send
from jhe_plugins.admin.representations import organization_summary, patients_json


class ProfileResource:
    @operation("The signed-in user, with their practitioner roles or patient record", tag="users",
               response="Profile", errors=(401,))
    def on_get(self, req, resp):
        actor = req.context.actor
        user = actor.user
        if user is None:  # a client-credentials token acts for no user
            send(resp, {"id": None, "email": None, "firstName": "", "lastName": "", "userType": "client",
                        "isSuperuser": False, "practitioner": None, "patient": None})
            return
        practitioner = None
        if actor.practitioner is not None:
            links = (m.PractitionerOrganization.select(m.PractitionerOrganization, m.Organization)
                     .join(m.Organization)
                     .where(m.PractitionerOrganization.practitioner == actor.practitioner.id)
                     .order_by(m.Organization.id))
            practitioner = {
                "id": actor.practitioner.id,
                "jheUserId": user.id,
                "organizations": [{**organization_summary(link.organization), "role": link.role}
                                  for link in links],
            }
        patient = None
        if actor.patient is not None:
            patient = patients_json([actor.patient], base_url(req))[0]
        send(resp, {"id": user.id, "email": user.email, "firstName": user.first_name,
                    "lastName": user.last_name, "userType": user.user_type,
                    "isSuperuser": bool(user.is_superuser), "practitioner": practitioner, "patient": patient})
