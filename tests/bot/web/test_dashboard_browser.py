"""An organiser at the desk, in a real headless Chromium (Debian's), driven by Playwright:
log in, import the schedule, open a roster, register a walk-in, mark attendance, export.

Screenshots are kept in tests/artifacts/dashboard/ (ignored by git).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright, expect

from core.clock import FixedClock
from tests.support.dashboard import PASSWORD, dashboard_settings, running_dashboard
from tests.support.factories import DATA

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[2] / "artifacts" / "dashboard"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's Chromium is missing at /usr/bin/chromium "
    "(apt-get install chromium chromium-driver; .ci/run installs it)",
)

UNLABELLED_FIELDS = """
() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter((field) => field.labels.length === 0 && !field.getAttribute('aria-label'))
  .map((field) => field.name)
"""


async def snapshot(page: Page, name: str) -> None:
    """Keep a full-page screenshot as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


async def test_an_organiser_imports_marks_attendance_and_exports(
    sqlite_url: str, clock: FixedClock, tmp_path: Path
) -> None:
    async with (
        running_dashboard(dashboard_settings(sqlite_url), clock) as dashboard,
        async_playwright() as playwright,
    ):
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            context = await browser.new_context(
                accept_downloads=True, locale="fr-FR", viewport={"width": 1280, "height": 900}
            )
            page = await context.new_page()

            await page.goto(dashboard.url("/"))
            await expect(page).to_have_url(re.compile(r"/admin/login"))
            await page.get_by_label("Mot de passe").fill(PASSWORD)
            await snapshot(page, "01-login")
            await page.get_by_role("button", name="Se connecter").click()
            await expect(page.get_by_role("heading", name="Séances", exact=True)).to_be_visible()

            menu = page.get_by_role("navigation", name="Menu principal")
            await menu.get_by_role("link", name="Importer un planning").click()
            await page.get_by_label("Fichier CSV du planning").set_input_files(
                DATA / "metz-workshops.csv"
            )
            await snapshot(page, "02-import")
            await page.get_by_role("button", name="Importer", exact=True).click()
            await expect(page.get_by_role("status")).to_contain_text("séance(s) créée(s)")
            await snapshot(page, "03-sessions")

            title = "Prendre en main son smartphone"
            await page.get_by_role("link", name=title).first.click()
            await expect(page.get_by_role("heading", level=1)).to_have_text(title)
            await page.get_by_label("Prénom").fill("Marie")
            await page.get_by_role("button", name="Inscrire").click()
            await expect(page.get_by_role("status")).to_contain_text("Marie est inscrit(e).")
            row = page.get_by_role("row", name=re.compile("Marie"))
            await expect(row.locator(".status")).to_have_text("Inscrit")

            await page.get_by_role("button", name="Présent : Marie").click()
            await expect(row.locator(".status")).to_have_text("Présent")
            await expect(page.get_by_role("button", name="Présent : Marie")).to_have_attribute(
                "aria-pressed", "true"
            )
            assert await page.evaluate(UNLABELLED_FIELDS) == []
            await snapshot(page, "04-roster")
            await page.emulate_media(media="print")
            await expect(page.get_by_role("button", name="Présent : Marie")).to_be_hidden()
            await snapshot(page, "05-roster-printed")
            await page.emulate_media(media="screen")

            async with page.expect_download() as download_info:
                await page.get_by_role("link", name="Exporter la liste (CSV)").click()
            download = await download_info.value
            saved = tmp_path / download.suggested_filename
            await download.save_as(saved)
            text = saved.read_bytes().decode("utf-8-sig")
            rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
            assert [(r["name"], r["channel"], r["status"]) for r in rows] == [
                ("Marie", "walkin", "attended")
            ]
            await context.close()
        finally:
            await browser.close()
