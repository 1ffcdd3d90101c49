"""The dynamic parts of a page's route (e.g. the conversation number), read from the address the
tab shows. Reflex deprecates RouterData.page (removed in 1.0); its route pattern and URL stay."""

from urllib.parse import unquote

from reflex.istate.data import RouterData


def route_arg(router: RouterData, name: str) -> str:
    """The value of the segment `[name]` of the route's pattern in the tab's current address."""
    pattern = router.route_id.strip("/").split("/")
    actual = router.url.path.strip("/").split("/")
    if len(pattern) != len(actual):
        return ""
    return next((unquote(got) for want, got in zip(pattern, actual, strict=True) if want == f"[{name}]"), "")
