"""User accounts: creation and passwords."""

from jhe_core import models as m
from jhe_core.auth.passwords import hash_password
from jhe_core.errors import BadRequest, Conflict, NotFound

MIN_PASSWORD_LENGTH = 8


def normalize_email(email: str) -> str:
    email = (email or "").strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@") or " " in email:
        raise BadRequest(f"Enter a valid email address, got {email!r}.", path="email")
    return email


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise BadRequest(f"Password must be at least {MIN_PASSWORD_LENGTH} characters.", path="password")


def create_practitioner_user(email, password, first_name="", last_name="", *, superuser=False) -> m.User:
    email = normalize_email(email)
    check_password(password)
    if m.User.select().where(m.User.email == email).exists():
        raise Conflict("User with this email already exists", path="email")
    with m.User._meta.database.atomic():
        user = m.User.create(email=email, password_hash=hash_password(password), first_name=first_name,
                             last_name=last_name, is_superuser=superuser, user_type="practitioner")
        m.Practitioner.create(user=user)
    return user


def set_password(email, password) -> m.User:
    check_password(password)
    user = m.User.get_or_none(m.User.email == normalize_email(email))
    if user is None:
        raise NotFound(f"No user with email {email.lower()}.")
    user.password_hash = hash_password(password)
    user.save()
    return user
