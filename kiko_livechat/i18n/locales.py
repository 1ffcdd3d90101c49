"""The languages the product speaks."""

# The product name is a brand, the same in every language.
PRODUCT_NAME = "Kiko Livechat"

SUPPORTED_LOCALES: tuple[str, ...] = ("de", "en")
FALLBACK_LOCALE = "en"


def negotiate(accept_language: str | None, default: str) -> str:
    """The best supported locale for a browser's Accept-Language / navigator.language value."""
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in SUPPORTED_LOCALES:
            return code
    return default if default in SUPPORTED_LOCALES else FALLBACK_LOCALE
