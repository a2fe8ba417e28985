"""Pages and API as each role sees them: scope matrix (B3), out-of-scope answers (B4), role
guards and menu (B5), language, Content-Security-Policy (A7), and no remote assets."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from zhenxing.accounts.models import User
from zhenxing.accounts.tests.factories import RegionTree, UserFactory
from zhenxing.audit.models import AuditEvent
from zhenxing.core.roles import Role
from zhenxing.regions import selectors
from zhenxing.regions.models import Division

pytestmark = pytest.mark.django_db

LoginVerified = Callable[[Client, User], None]
ZHENXING = Path(__file__).resolve().parents[2]
MISSING_CODE = "500102399"  # well-formed, never created
CSRF_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")

# role → the RegionTree attribute it is bound to
ROLE_REGION: dict[Role, str | None] = {
    Role.DISTRICT_STAFF: "county",
    Role.TOWN_STAFF: "town_a",
    Role.VILLAGE_OFFICER: "village_a1",
    Role.CADRE: "village_a1",
    Role.SUPERVISOR: "town_b",
    Role.COOP_CLERK: "village_a1",
    Role.ENTERPRISE_CLERK: None,
    Role.SYSTEM_ADMIN: None,
    Role.SECURITY_ADMIN: None,
    Role.AUDIT_ADMIN: None,
}
# Roles that see no registry divisions whatever region they carry (B1).
NO_REGISTRY = {Role.COOP_CLERK, Role.ENTERPRISE_CLERK, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}


def _oracle(role: Role, region: Division | None, codes: set[str]) -> set[str]:
    """What the role may see, computed from the codes alone (not by the code under test)."""
    if role == Role.SYSTEM_ADMIN:  # maintains the roster
        return set(codes)
    if role in NO_REGISTRY or region is None:
        return set()
    return {code for code in codes if code.startswith(region.code)}


def _user(role: Role, regions: RegionTree, **fields: Any) -> User:
    attr = ROLE_REGION[role]
    return UserFactory.create(role=role, region=getattr(regions, attr) if attr else None, **fields)


def _sign_in(client: Client, user: User, login_verified: LoginVerified) -> None:
    if user.is_privileged:
        login_verified(client, user)
    else:
        client.force_login(user)


def _scope_denials() -> list[tuple[str, str, str]]:
    return list(
        AuditEvent.objects.filter(event="scope.denied")
        .order_by("seq")
        .values_list("actor_username", "object_type", "object_id")
    )


def _without_tokens(body: str) -> str:
    """Each render masks the CSRF token differently."""
    return CSRF_TOKEN.sub("TOKEN", body)


def _divisions_snapshot() -> list[tuple[Any, ...]]:
    return list(Division.objects.order_by("pk").values_list())


# --- B3: the region browser shows exactly the divisions in scope --------------------------------

REGION_LINK = re.compile(r'href="/regions/(\d+)/"')
CODE_CELL = re.compile(r"<code>(\d+)</code>")
REGION_PATH = re.compile(r"^/regions/(\d+)/$")


def _browse(client: Client) -> set[str]:
    """Every division code the browser shows, following its links from /regions/."""
    shown: set[str] = set()
    queue, visited = ["/regions/"], set()
    while queue:
        url = queue.pop()
        if url in visited:
            continue
        visited.add(url)
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        body = response.content.decode()
        codes = set(REGION_LINK.findall(body)) | set(CODE_CELL.findall(body))
        if match := REGION_PATH.match(response.request["PATH_INFO"]):
            codes.add(match.group(1))
        shown |= codes
        queue.extend(f"/regions/{code}/" for code in codes)
    return shown


@pytest.mark.parametrize("role", list(ROLE_REGION))
def test_the_region_browser_shows_exactly_the_divisions_in_scope(
    client: Client, regions: RegionTree, login_verified: LoginVerified, role: Role
) -> None:
    # given
    user = _user(role, regions)
    _sign_in(client, user, login_verified)
    expected = _oracle(role, user.region, regions.codes)

    # when every division is asked for, directly and by browsing
    statuses = {code: client.get(f"/regions/{code}/").status_code for code in regions.codes}
    shown = _browse(client)

    # then
    assert {code for code, status in statuses.items() if status == 200} == expected
    assert {code for code, status in statuses.items() if status != 200} == {
        code for code, status in statuses.items() if status == 404
    }
    assert shown == expected
    refused = regions.codes - expected
    assert sorted(_scope_denials()) == sorted((user.username, "division", code) for code in refused)


@pytest.mark.parametrize("role", list(ROLE_REGION))
def test_the_region_api_returns_exactly_the_divisions_in_scope(
    client: Client, regions: RegionTree, login_verified: LoginVerified, role: Role
) -> None:
    # given
    user = _user(role, regions)
    _sign_in(client, user, login_verified)
    expected = _oracle(role, user.region, regions.codes)

    for division in regions.all:
        # when
        response = client.get(f"/api/v1/regions/{division.code}")

        # then
        if division.code not in expected:
            assert response.status_code == 404, division.code
            continue
        assert response.status_code == 200, division.code
        body = response.json()
        assert body["code"] == division.code
        assert {child["code"] for child in body["children"]} == {
            d.code for d in regions.all if d.parent_id == division.pk and d.code in expected
        }
    assert len(_scope_denials()) == len(regions.codes - expected)


# --- B4: outside the scope is 404, audited, and changes nothing ---------------------------------


@pytest.mark.parametrize(
    "target", ["town_b", "village_b1", "county", "other_county", "other_village"]
)
def test_an_out_of_scope_division_answers_404_and_is_audited(
    client: Client, regions: RegionTree, target: str
) -> None:
    # given town staff of town A
    user = _user(Role.TOWN_STAFF, regions)
    client.force_login(user)
    division = getattr(regions, target)
    before = (_divisions_snapshot(), AuditEvent.objects.count())

    # when
    response = client.get(f"/regions/{division.code}/")

    # then: the same answer as for a code that does not exist, without the object
    body = response.content.decode()
    assert response.status_code == 404
    assert division.name not in body
    missing = client.get(f"/regions/{MISSING_CODE}/")
    assert missing.status_code == 404
    assert _without_tokens(missing.content.decode()) == _without_tokens(
        body.replace(division.code, MISSING_CODE)
    )
    assert _scope_denials() == [
        (user.username, "division", division.code),
        (user.username, "division", MISSING_CODE),
    ]
    assert _divisions_snapshot() == before[0]
    assert AuditEvent.objects.count() == before[1] + 2  # this denial and the missing code's


@pytest.mark.parametrize("target", ["town_b", "other_county", "village_b1"])
def test_an_out_of_scope_division_in_the_api_answers_404_json_and_is_audited(
    client: Client, regions: RegionTree, target: str
) -> None:
    user = _user(Role.TOWN_STAFF, regions)
    client.force_login(user)
    division = getattr(regions, target)
    before = _divisions_snapshot()

    response = client.get(f"/api/v1/regions/{division.code}")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "未找到 / Not found"}
    assert division.name not in response.content.decode()
    assert _scope_denials() == [(user.username, "division", division.code)]
    assert _divisions_snapshot() == before


def test_scope_tests_fail_without_the_scope(
    client: Client, regions: RegionTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guard removed: with an unscoped selector, town staff reads another town by page and by
    API, so the 404 tests above depend on the scope."""
    monkeypatch.setattr(
        selectors, "divisions_visible", lambda actor: Division.objects.filter(valid_to=None)
    )
    client.force_login(_user(Role.TOWN_STAFF, regions))

    page = client.get(f"/regions/{regions.town_b.code}/")
    api = client.get(f"/api/v1/regions/{regions.other_county.code}")

    assert page.status_code == 200
    assert regions.town_b.name in page.content.decode()
    assert api.status_code == 200
    assert api.json()["name"] == regions.other_county.name
    assert _scope_denials() == []


# --- the API needs a session --------------------------------------------------------------------


def test_the_api_needs_a_login(client: Client, regions: RegionTree) -> None:
    assert client.get("/api/v1/me").status_code == 401
    assert client.get(f"/api/v1/regions/{regions.county.code}").status_code == 401


def test_the_api_says_who_is_signed_in(client: Client, regions: RegionTree) -> None:
    user = _user(Role.TOWN_STAFF, regions)
    client.force_login(user)

    response = client.get("/api/v1/me")

    assert response.status_code == 200
    assert response.json() == {
        "username": user.username,
        "role": "town_staff",
        "region": regions.town_a.code,
    }


# --- B5: role guards, and a menu that matches them ----------------------------------------------

MENU_LINK = re.compile(r'class="nav-link[^"]*" href="([^"]+)"')
GUARDED = {"/accounts/", "/audit/"}
KNOWN_ENTRIES = {"/", "/regions/", *GUARDED}


@pytest.mark.parametrize(
    ("role", "menu"),
    [
        (Role.TOWN_STAFF, {"/", "/regions/"}),
        (Role.VILLAGE_OFFICER, {"/", "/regions/"}),
        (Role.COOP_CLERK, {"/"}),
        (Role.DISTRICT_STAFF, {"/", "/regions/"}),
        (Role.SYSTEM_ADMIN, {"/", "/regions/", "/accounts/"}),
        (Role.SECURITY_ADMIN, {"/", "/accounts/"}),
        (Role.AUDIT_ADMIN, {"/", "/audit/"}),
    ],
)
def test_the_menu_shows_what_the_role_may_open(
    client: Client, regions: RegionTree, login_verified: LoginVerified, role: Role, menu: set[str]
) -> None:
    _sign_in(client, _user(role, regions), login_verified)

    shown = set(MENU_LINK.findall(client.get("/").content.decode()))

    # the entries this table knows (other apps add their own)
    assert shown & KNOWN_ENTRIES == menu
    # every entry shown opens, and the administrators' pages not shown are refused
    for url in shown:
        assert client.get(url, follow=True).status_code == 200, url
    for url in GUARDED - shown:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/accounts/"),
        ("get", "/audit/"),
        ("post", "/audit/"),
        ("post", "/accounts/new/"),
        ("post", "/accounts/{pk}/role/"),
        ("post", "/accounts/{pk}/unlock/"),
        ("post", "/accounts/{pk}/deactivate/"),
    ],
)
def test_town_staff_is_refused_the_administrators_pages_and_audited(
    client: Client, regions: RegionTree, method: str, url: str
) -> None:
    # given
    user = _user(Role.TOWN_STAFF, regions)
    other = UserFactory.create(
        username="bystander", role=Role.VILLAGE_OFFICER, region=regions.village_a1
    )
    client.force_login(user)
    path = url.format(pk=other.pk)
    users_before = list(User.objects.order_by("pk").values_list())
    form = {"username": "intruder", "password": "Tq7#mLp2vX9!zr", "role": Role.SYSTEM_ADMIN}

    # when
    response = getattr(client, method)(path, form)

    # then
    assert response.status_code == 403
    assert "bystander" not in response.content.decode()
    rows = AuditEvent.objects.filter(event="permission.denied")
    assert [(r.actor_username, r.outcome, r.detail) for r in rows] == [
        (user.username, "denied", {"path": path})
    ]
    assert list(User.objects.order_by("pk").values_list()) == users_before
    assert not AuditEvent.objects.filter(event__in=["audit.verify", "user.create"]).exists()


# --- language -----------------------------------------------------------------------------------


def test_pages_are_chinese_by_default_and_english_on_request(
    client: Client, regions: RegionTree
) -> None:
    client.force_login(_user(Role.TOWN_STAFF, regions))
    assert '<html lang="zh-CN"' in client.get("/").content.decode()

    response = client.post("/language/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    english = client.get("/")
    assert '<html lang="en"' in english.content.decode()
    assert english["Content-Language"] == "en"
    client.post("/language/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-CN"' in client.get("/").content.decode()


def test_the_sign_in_page_is_chinese_by_default(client: Client, db: None) -> None:
    response = client.get("/login/")

    assert '<html lang="zh-CN"' in response.content.decode()
    assert response["Content-Language"] == "zh-hans"


# --- A7: Content-Security-Policy on every response ----------------------------------------------


def _assert_strict_csp(response: Any, url: str) -> None:
    policy = response.get("Content-Security-Policy")
    assert policy, url
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in policy.split(";") if part.strip()
    )
    assert "'unsafe-eval'" not in policy, url
    assert "'unsafe-inline'" not in policy, url
    assert directives["default-src"] == "'self'", url
    assert directives["script-src"] == "'self'", url
    assert directives["object-src"] == "'none'", url
    assert directives["frame-ancestors"] == "'none'", url


def test_every_response_carries_a_strict_content_security_policy(
    client: Client, regions: RegionTree
) -> None:
    # anonymous: a page, a redirect, a missing page, an API refusal
    for url, status in [("/login/", 200), ("/", 302), ("/no-such-page/", 404), ("/api/v1/me", 401)]:
        response = client.get(url)
        assert response.status_code == status, url
        _assert_strict_csp(response, url)

    # the lockout page
    UserFactory.create(username="locked")
    for _ in range(5):
        response = client.post("/login/", {"username": "locked", "password": "Wrong-password-1"})
    assert response.status_code == 429
    _assert_strict_csp(response, "lockout")

    # signed in: pages, JSON, and every kind of refusal
    client.force_login(_user(Role.TOWN_STAFF, regions))
    for url, status in [
        ("/", 200),
        ("/regions/", 302),
        (f"/regions/{regions.town_a.code}/", 200),
        (f"/regions/{regions.town_b.code}/", 404),
        ("/accounts/", 403),
        (f"/api/v1/regions/{regions.town_a.code}", 200),
        (f"/api/v1/regions/{regions.town_b.code}", 404),
        ("/api/v1/me", 200),
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        _assert_strict_csp(response, url)


# --- no asset from another origin ---------------------------------------------------------------

REMOTE = re.compile(r"""(?:src|href|url\()\s*=?\s*["']?((?:https?:)?//[^\s"'()<>]*)""", re.I)
W3_NAMESPACE = re.compile(r"^(?:https?:)?//www\.w3\.org/")


def _remote_references(text: str) -> list[str]:
    return [url for url in REMOTE.findall(text) if not W3_NAMESPACE.match(url)]


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ('<script src="https://cdn.jsdelivr.net/npm/htmx.org"></script>', True),
        ("<link rel=stylesheet href='//fonts.googleapis.com/css'>", True),
        ("<img src = http://example.com/a.png>", True),
        (".x { background: url(https://example.com/a.png) }", True),
        ('@font-face { src: url("//example.com/a.woff2") }', True),
        ('<link rel="stylesheet" href="{% static \'web/site.css\' %}">', False),
        ('<a href="/regions/">', False),
        ('<svg xmlns="http://www.w3.org/2000/svg"><use href="#i"/></svg>', False),
        ('<svg xmlns:xlink="http://www.w3.org/1999/xlink"><a href="http://www.w3.org/">', False),
        (".x { background: url(data:image/png;base64,AAAA) }", False),
    ],
)
def test_the_remote_url_scanner(text: str, flagged: bool) -> None:
    """The scanner below would notice a CDN link (and is not fooled by SVG namespaces)."""
    assert bool(_remote_references(text)) is flagged


def _asset_files() -> list[Path]:
    files = {
        path
        for pattern in ("**/templates/**/*", "**/static/**/*")
        for path in ZHENXING.glob(pattern)
        if path.is_file()
    }
    return sorted(files)


def test_no_template_or_static_file_refers_to_a_remote_url() -> None:
    files = _asset_files()
    assert any(path.name == "base.html" for path in files)  # the scan does look somewhere

    found = {
        str(path.relative_to(ZHENXING)): refs
        for path in files
        if (refs := _remote_references(path.read_bytes().decode("utf-8", errors="ignore")))
    }

    assert found == {}


def test_rendered_pages_refer_to_no_remote_url(
    client: Client, regions: RegionTree, login_verified: LoginVerified
) -> None:
    """Template tags (htmx, static) render URLs the file scan cannot see."""
    bodies = [client.get("/login/").content.decode()]
    login_verified(client, _user(Role.DISTRICT_STAFF, regions))
    bodies += [client.get(url, follow=True).content.decode() for url in ["/", "/regions/"]]
    client.post("/logout/")
    security = _user(Role.SECURITY_ADMIN, regions, username="otp-enrol")
    client.force_login(security)
    bodies.append(client.get("/otp/").content.decode())  # enrolment page with its QR code

    assert [_remote_references(body) for body in bodies] == [[]] * len(bodies)
