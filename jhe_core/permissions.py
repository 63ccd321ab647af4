"""Who may do what: ``allowed(exchange, actor, action, resource)``.

Every ``permission_allowed`` implementation answers True, False or None; any False denies,
otherwise any True allows, and with no True the answer is deny. The role matrix of the guides
is the core default (``jhe_core.defaults.permissions``); plugins add or veto.
"""

from jhe_core.errors import Forbidden

# action -> what it means; the resource each one takes is given in brackets.
ACTIONS = {
    "organization.view": "read an organization, its studies and practitioners [Organization]",
    "organization.create": "create an organization under a parent [parent Organization or None]",
    "organization.update": "rename or re-type an organization [Organization]",
    "organization.delete": "delete an organization [Organization]",
    "organization.manage_practitioners": "add, re-role or remove practitioners [Organization]",
    "patient.view": "read a patient's record [Patient]",
    "patient.create": "create a patient in, or add one to, an organization [Organization]",
    "patient.manage": "update, enroll, invite or remove a patient [Patient or Organization]",
    "consent.view": "read a patient's consents [Patient]",
    "consent.manage": "grant or revoke a patient's consents [Patient]",
    "study.view": "read a study [Study or Organization]",
    "study.create": "create a study in an organization [Organization]",
    "study.manage": "update or delete a study, its enrollment, scopes and data sources [Study]",
    "data_source.view": "read the data-source catalogue [None]",
    "data_source.manage": "change the data-source catalogue [DataSource or None]",
    "observation.view": "read a patient's observations [Patient or Observation]",
    "observation.upload": "store observations for a patient [Patient]",
}

READ_ACTIONS = {name for name in ACTIONS if name.endswith(".view")}


def allowed(exchange, actor, action: str, resource=None) -> bool:
    """True when the plugins' answers allow ``actor`` to perform ``action`` on ``resource``."""
    if action not in ACTIONS:
        raise ValueError(f"unknown permission action {action!r}")
    answers = exchange.hook.permission_allowed(exchange=exchange, actor=actor, action=action, resource=resource)
    if any(answer is False for answer in answers):
        return False
    return any(answer is True for answer in answers)


def require(exchange, actor, action: str, resource=None) -> None:
    """Raise ``Forbidden`` unless allowed."""
    if not allowed(exchange, actor, action, resource):
        raise Forbidden()
