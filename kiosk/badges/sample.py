"""A fictional badge for previews, tests and benchmarks."""

from __future__ import annotations

from datetime import datetime

from PIL import Image

from kiosk.badges.layout import PARTNER, VISITOR, Badge
from kiosk.services.signout import SignOutKey

SAMPLE_KEY = SignOutKey(b"sample badges only, never a kiosk key")
"""Signs the sample's sign-out code, so no kiosk accepts it."""
SAMPLE_VISIT_ID = 1024


def sample_badge(
    school_name: str,
    signed_in_at: datetime,
    *,
    name: str = "María José Núñez-García",
    organization: str = "Reading Buddies Collective",
    destination: str = "Room 112",
    photo: Image.Image | None = None,
    visitor: bool = False,
    reprint: bool = False,
) -> Badge:
    """Return a badge with fictional details; ``signed_in_at`` is local time."""
    return Badge(
        school_name=school_name,
        banner=VISITOR if visitor else PARTNER,
        name=name,
        organization=organization,
        signed_in_at=signed_in_at,
        sign_out_code=SAMPLE_KEY.code_for(SAMPLE_VISIT_ID),
        destination=destination,
        photo=photo,
        reprint=reprint,
    )
