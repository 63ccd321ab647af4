"""Settings of ``[plugins.commonhealth]``."""

APP_PACKAGES = {
    "dev": "org.thecommonsproject.android.phr.dev",
    "production": "org.thecommonsproject.android.phr",
}
STORE_URL = "https://play.google.com/store/apps/details?id={package}&referrer=cloud_sharing="

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "app": {"enum": sorted(APP_PACKAGES), "default": "dev",
                "description": "which CommonHealth app build the link opens"},
        "link_prefix": {"type": "string", "default": "",
                        "description": "the whole link prefix, overriding `app` (the guide's CH_INVITATION_LINK_PREFIX)"},
        "include_host": {"type": "boolean", "default": True,
                         "description": "put the exchange host before the code (host|code)"},
        "host": {"type": "string", "default": "",
                 "description": "exchange host in the link; default: the host of base_url or of the request"},
        "code_lifetime": {"type": "integer", "minimum": 60, "default": 14 * 24 * 3600,
                          "description": "seconds an invitation code stays valid"},
        "contact_email": {"type": "string", "default": "",
                          "description": "address patients may write to with questions (in the email)"},
    },
}


def link_prefix(settings: dict) -> str:
    return settings.get("link_prefix") or STORE_URL.format(package=APP_PACKAGES[settings.get("app", "dev")])
