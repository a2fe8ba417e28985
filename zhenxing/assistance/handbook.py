"""The household handbook (户手册) as PDF: members (ID masked), 两不愁三保障 and water facts,
incomes, class and risks, plan and measures, responsible cadre and officer, visits, the
benefit chain's settled income, with the version stamp and a QR code to the household-facing
check page. CSS lives in the one template; Chinese fonts come from the system's font set
(as the notice PDFs) until the shared font helper lands.

`village_handbooks_build` renders a whole village as a background job with progress, zipped.
"""

from __future__ import annotations

import base64
import io
import uuid
import zipfile
from pathlib import Path
from typing import Any

from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from zhenxing.assistance.models import Measure, PlanItem, PrintStamp, Visit
from zhenxing.core.crypto import decrypt
from zhenxing.core.masking import mask_id, mask_phone
from zhenxing.households.models import (
    ID_CONTEXT,
    PHONE_CONTEXT,
    Household,
    HouseholdFacts,
    IncomeLine,
    Member,
)

SALT = "assistance.check"


def check_token(stamp: PrintStamp) -> str:
    return signing.dumps({"h": stamp.household_id, "v": stamp.version}, salt=SALT, compress=True)


def check_payload(token: str) -> dict[str, int] | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=None)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) else None


def _qr_data_uri(text: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def handbook_context(
    household: Household, stamp: PrintStamp, *, base_url: str = ""
) -> dict[str, Any]:
    from zhenxing.assistance.selectors import current_targets, officer_on, responsible_on
    from zhenxing.core.timeutil import business_today

    today = business_today()
    members = [
        {
            "name": m.name,
            "relation": m.get_relation_display(),
            "id": mask_id(decrypt(m.id_cipher, context=ID_CONTEXT)) if m.id_cipher else "",
            "health": m.get_health_display(),
            "labour": m.get_labour_display(),
        }
        for m in Member.objects.filter(household=household, status="active").order_by("pk")
    ]
    phone = decrypt(household.phone_cipher, context=PHONE_CONTEXT) if household.phone_cipher else ""
    pairing = responsible_on(household, today)
    assignment = officer_on(household, today)
    officer = assignment.officer if assignment else None
    latest_year = (
        IncomeLine.objects.filter(household=household).order_by("-year").values("year").first()
    )
    incomes = (
        IncomeLine.objects.filter(household=household, year=latest_year["year"])
        if latest_year
        else IncomeLine.objects.none()
    )
    check_path = reverse("assistance:check", args=[check_token(stamp)])
    return {
        "household": household,
        "stamp": stamp,
        "members": members,
        "phone": mask_phone(phone) if phone else "",
        "facts": HouseholdFacts.objects.filter(household=household).first(),
        "incomes": incomes,
        "settled": [line for line in incomes if line.source_ref],
        "target": current_targets(household.county_code, [household.pk]).get(household.pk, ""),
        "items": PlanItem.objects.filter(household=household).select_related("kind", "member"),
        "measures": Measure.objects.filter(household=household).select_related("kind", "member"),
        "cadre": pairing.cadre if pairing else None,
        "unit": pairing.unit if pairing else "",
        "officer": officer,
        "visits": Visit.objects.filter(
            county_code=household.county_code, household=household
        ).select_related("visitor")[:12],
        "qr": _qr_data_uri(base_url + check_path),
        "check_path": check_path,
    }


def render_handbook(household: Household, stamp: PrintStamp, *, base_url: str = "") -> bytes:
    from weasyprint import HTML  # imported here: it loads pango, which only this needs

    with translation.override("zh-hans"):
        html = render_to_string(
            "assistance/handbook.html", handbook_context(household, stamp, base_url=base_url)
        )
    document: bytes = HTML(string=html).write_pdf()
    return document


def village_handbooks_build(*, actor: Any, village_code: str, job_id: uuid.UUID) -> Path:
    """Stamp and render every classed household's handbook of a village into one zip."""
    from django.db.models import Q

    from zhenxing.assistance.services import stamp_print
    from zhenxing.core.uploads import private_dir
    from zhenxing.households.selectors import households_visible
    from zhenxing.jobs.services import job_fail, job_finish, job_progress

    households = list(
        households_visible(actor)
        .filter(town_code=village_code[:9], village_code=village_code)
        .filter(Q(category="exited") | ~Q(monitoring_type=""))
        .order_by("household_no")
    )
    folder = private_dir(job_id, area="handbooks")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"handbooks-{village_code}.zip"
    try:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for done, household in enumerate(households, start=1):
                stamp = stamp_print(actor=actor, household=household, document="handbook")
                bundle.writestr(
                    f"{household.household_no}-v{stamp.version}.pdf",
                    render_handbook(household, stamp),
                )
                job_progress(job_id, done=done, total=len(households))
    except Exception as exc:
        job_fail(job_id, message=str(exc)[:200])
        raise
    job_finish(job_id, result={"households": len(households), "file": path.name})
    return path
