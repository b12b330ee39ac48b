"""A self-hosted verification code (no third party, no network).

A challenge is five random digits. Only an HMAC of the answer (with a per-challenge nonce) is kept in
the session, with its expiry; the picture is drawn once with Pillow and sent inline as a data: URI,
so the answer never exists anywhere the client can fetch it again. People who cannot read the
picture get the same digits spelled out as words (read by screen readers). A challenge is single-use:
checking it, right or wrong, removes it, so an answer cannot be replayed or guessed twice.
"""

import base64
import io
import secrets
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from core.digits import digits_ascii

SESSION_KEY = "contractors_captcha"
LENGTH = 5
DEFAULT_TTL_SECONDS = 600
_SALT = "contractors.captcha"
_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
)
# A context keeps these apart from the same words in other catalogues (humanize spells "two" إثنان).
_DIGIT_WORDS = (
    pgettext_lazy("spelled-out digit", "zero"),
    pgettext_lazy("spelled-out digit", "one"),
    pgettext_lazy("spelled-out digit", "two"),
    pgettext_lazy("spelled-out digit", "three"),
    pgettext_lazy("spelled-out digit", "four"),
    pgettext_lazy("spelled-out digit", "five"),
    pgettext_lazy("spelled-out digit", "six"),
    pgettext_lazy("spelled-out digit", "seven"),
    pgettext_lazy("spelled-out digit", "eight"),
    pgettext_lazy("spelled-out digit", "nine"),
)


@dataclass(frozen=True)
class Challenge:
    image_data_uri: str
    text_alternative: str
    expires_in_seconds: int


def _ttl() -> int:
    return int(getattr(settings, "CONTRACTORS_CAPTCHA_TTL", DEFAULT_TTL_SECONDS))


def _test_answer() -> str | None:
    """A fixed answer for tests and local demos; never honoured on a production portal (DEBUG off)."""
    answer = getattr(settings, "CONTRACTORS_CAPTCHA_TEST_ANSWER", None)
    if answer and (settings.DEBUG or "pytest" in sys.modules):
        return str(answer)
    return None


def _digest(nonce: str, answer: str) -> str:
    return salted_hmac(_SALT, f"{nonce}:{answer}").hexdigest()


@cache
def _font(size: int):
    for candidate in _FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)


def _render_png(answer: str) -> bytes:
    rng = secrets.SystemRandom()
    width, height = 60 + 38 * len(answer), 80
    image = Image.new("RGB", (width, height), (246, 248, 245))
    draw = ImageDraw.Draw(image)
    for _i in range(6):
        draw.line(
            [(rng.randint(0, width), rng.randint(0, height)), (rng.randint(0, width), rng.randint(0, height))],
            fill=(rng.randint(120, 190), rng.randint(120, 190), rng.randint(120, 190)),
            width=2,
        )
    x = 22
    for digit in answer:
        glyph = Image.new("RGBA", (56, 70), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text(
            (10, 4), digit, font=_font(rng.randint(40, 48)), fill=(rng.randint(0, 60), rng.randint(40, 90), 40)
        )
        glyph = glyph.rotate(rng.uniform(-25, 25), resample=Image.Resampling.BICUBIC, expand=False)
        image.paste(glyph, (x, rng.randint(0, 10)), glyph)
        x += 38
    for _i in range(180):
        draw.point((rng.randint(0, width - 1), rng.randint(0, height - 1)), fill=(90, 90, 90))
    image = image.filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _spell(answer: str) -> str:
    # Translators: the separator between spelled-out digits ("، " in Arabic).
    words = _(", ").join(str(_DIGIT_WORDS[int(d)]) for d in answer)
    return _("Type the digits: %(words)s") % {"words": words}


def captcha_new(*, session) -> Challenge:
    """Issue a fresh challenge (replacing any earlier one in this session)."""
    answer = _test_answer() or "".join(secrets.choice("0123456789") for _i in range(LENGTH))
    nonce = secrets.token_hex(16)
    ttl = _ttl()
    session[SESSION_KEY] = {
        "nonce": nonce,
        "digest": _digest(nonce, answer),
        "expires": timezone.now().timestamp() + ttl,
    }
    png = base64.b64encode(_render_png(answer)).decode("ascii")
    return Challenge(
        image_data_uri=f"data:image/png;base64,{png}", text_alternative=_spell(answer), expires_in_seconds=ttl
    )


def captcha_check(*, session, answer: str) -> bool:
    """Whether ``answer`` solves this session's challenge. The challenge is used up either way."""
    stored = session.pop(SESSION_KEY, None)
    if not stored:
        return False
    if timezone.now().timestamp() > stored.get("expires", 0):
        return False
    typed = "".join(digits_ascii(answer or "").split())
    if not typed.isdecimal():
        return False
    return constant_time_compare(_digest(stored["nonce"], typed), stored["digest"])
