"""Inviting a patient: a one-time code, the link that carries it and, on request, the email.

All or nothing: when the email cannot be sent (no sender configured, delivery refused) the new
code is rolled back and the patient's earlier codes keep working.
"""

from jhe_core import models as m
from jhe_core.errors import ServiceUnavailable
from jhe_core.permissions import require
from jhe_core.services.access import get_visible_patient
from jhe_core.services.invitations import issue_invitation_code


def invite_patient(exchange, actor, patient_id, *, base_url: str, send_email: bool = False,
                   lifetime: int | None = None) -> dict:
    """Issue a code for the patient and build its link; email it when ``send_email``.

    :returns: ``{"invitationLink": ...}`` plus ``emailSent`` / ``emailTo`` / ``messageId`` when emailed.
    """
    patient = get_visible_patient(actor, patient_id)
    require(exchange, actor, "patient.manage", patient)
    with exchange.db.atomic():
        code = issue_invitation_code(exchange, patient, lifetime)
        link = exchange.hook.invitation_link(exchange=exchange, patient=patient, code=code, base_url=base_url)
        if link is None:
            raise ServiceUnavailable("No plugin builds invitation links (enable the commonhealth plugin).")
        answer = {"invitationLink": link}
        if send_email:
            answer.update(_email_invitation(exchange, patient, link))
    return answer


def _email_invitation(exchange, patient, link) -> dict:
    message = exchange.hook.invitation_message(exchange=exchange, patient=patient, link=link)
    if message is None:
        raise ServiceUnavailable("No plugin composes invitation emails; the link was not created.")
    delivery = exchange.hook.send_email(exchange=exchange, message=message)
    if delivery is None:
        raise ServiceUnavailable("No email sender is configured, so the invitation could not be emailed; "
                                 "the link was not created. Configure [plugins.email] or generate the link "
                                 "without send_email.")
    return {"emailSent": True, "emailTo": patient.user.email, "messageId": delivery.get("message_id")}


def patient_context(patient: m.Patient) -> dict:
    """Names an invitation mentions: the patient's studies and organizations."""
    studies = list(m.Study.select(m.Study, m.Organization).join(m.Organization)
                   .switch(m.Study).join(m.StudyPatient)
                   .where(m.StudyPatient.patient == patient.id).order_by(m.Study.id))
    organizations = list(m.Organization.select().join(m.PatientOrganization)
                         .where(m.PatientOrganization.patient == patient.id).order_by(m.Organization.id))
    return {"studies": studies, "organizations": organizations}
