"""Factories and helpers for account, login and page tests.

- `UserFactory`: a user with a known password (`DEFAULT_PASSWORD`), a role and a region.
- `build_region_tree()`: a small division tree made through the real `division_create` service.
- `totp_device_for(user)` / `totp_token(device)`: a confirmed TOTP device and its current code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import factory
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from zhenxing.accounts.models import User
from zhenxing.core.roles import Role
from zhenxing.regions.models import Division
from zhenxing.regions.services import division_create

DEFAULT_PASSWORD = "Tq7#mLp2vX9!zr"
VALID_FROM = date(2024, 1, 1)


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n:03d}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    role = Role.TOWN_STAFF
    region = None
    password = DEFAULT_PASSWORD

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        password = kwargs.pop("password")
        changed_at = kwargs.pop("password_changed_at", None)
        user = model_class(*args, **kwargs)
        user.set_password(password)
        if changed_at is not None:
            user.password_changed_at = changed_at
        user.save()
        return user


@dataclass(frozen=True)
class RegionTree:
    """Two counties; the first with two towns, three villages and one village group."""

    county: Division
    town_a: Division
    town_b: Division
    village_a1: Division
    village_a2: Division
    village_b1: Division
    group_a1: Division
    other_county: Division
    other_town: Division
    other_village: Division

    @property
    def all(self) -> list[Division]:
        return [
            self.county,
            self.town_a,
            self.town_b,
            self.village_a1,
            self.village_a2,
            self.village_b1,
            self.group_a1,
            self.other_county,
            self.other_town,
            self.other_village,
        ]

    @property
    def codes(self) -> set[str]:
        return {d.code for d in self.all}


def _division(code: str, name: str) -> Division:
    return division_create(actor=None, code=code, name=name, valid_from=VALID_FROM)


def build_region_tree() -> RegionTree:
    """Names are unique and distinctive so a test can tell whether a page leaked one."""
    return RegionTree(
        county=_division("500102", "涪陵示例区"),
        town_a=_division("500102100", "白沙示例镇"),
        town_b=_division("500102200", "青羊示例乡"),
        village_a1=_division("500102100200", "柳溪示例村"),
        village_a2=_division("500102100201", "桃源示例村"),
        village_b1=_division("500102200200", "石门示例村"),
        group_a1=_division("500102100200001", "柳溪一组"),
        other_county=_division("500103", "渝中示例区"),
        other_town=_division("500103100", "化龙示例镇"),
        other_village=_division("500103100200", "金竹示例村"),
    )


def totp_device_for(user: User) -> TOTPDevice:
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return device


def totp_token(device: TOTPDevice) -> str:
    code = totp(device.bin_key, device.step, device.t0, device.digits)
    return str(code).zfill(device.digits)


def sign_in_verified(client: Client, user: User) -> None:
    """Sign `user` in and pass the second factor, as a privileged user must before any page."""
    client.force_login(user)
    device = totp_device_for(user)
    response = client.post("/otp/", {"token": totp_token(device)})
    assert response.status_code == 302, response.status_code
    assert response["Location"] == "/"
