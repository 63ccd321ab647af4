"""The invitation email: rendered by the email plugin from this plugin's templates, which a
deployment may override by name (``commonhealth-invitation``) in its email templates folder."""

from pathlib import Path

from jhe_core.services.onboarding import patient_context

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "commonhealth-invitation"


def invitation_message(settings: dict, patient, link: str) -> dict:
    context = patient_context(patient)
    study_names = ", ".join(study.name for study in context["studies"]) or "our health study"
    organization_names = ", ".join(org.name for org in context["organizations"]) or "the study team"
    contact = settings.get("contact_email") or ""
    return {
        "to": [f"{patient.name_given} {patient.name_family} <{patient.user.email}>"],
        "template": TEMPLATE,
        "template_dirs": [str(TEMPLATES)],
        "context": {
            "given_name": patient.name_given,
            "family_name": patient.name_family,
            "link": link,
            "study_names": study_names,
            "organization_names": organization_names,
            "contact_line": f"If you have questions, contact us at {contact}." if contact else
                            "If you have questions, reply to this email.",
        },
    }
