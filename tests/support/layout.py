"""Walking Dash component trees in tests: find components, read their text, render a page's layout."""

from __future__ import annotations

from typing import Any


def find(component: Any, predicate) -> list[Any]:
    """Every component in the tree for which ``predicate`` holds."""
    found = [component] if predicate(component) else []
    children = getattr(component, "children", None)
    if children is None:
        return found
    for child in children if isinstance(children, list | tuple) else [children]:
        found += find(child, predicate)
    return found


def by_id(tree: Any, cid: str) -> Any:
    hits = find(tree, lambda c: getattr(c, "id", None) == cid)
    assert hits, f"no component {cid!r}"
    return hits[0]


def text_of(component: Any) -> str:
    if isinstance(component, str | int | float):
        return str(component)
    children = getattr(component, "children", None)
    if children is None:
        return ""
    return " ".join(
        text_of(c) for c in (children if isinstance(children, list | tuple) else [children]) if c is not None
    )


def page_layout(app, path: str, **query: str):
    import dash

    page = next(p for p in dash.page_registry.values() if p["path"] == path)
    with app.server.test_request_context(path):
        return page["layout"](**query)
