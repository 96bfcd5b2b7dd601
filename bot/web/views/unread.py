"""Messages the bot did not understand in the last 30 days (text only), grouped; an
organiser says in one tap what a group meant, and the bot learns it if the gate accepts.
The weekly shares of messages understood, clarified and not understood, per language."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from bot.web.guard import network_action, network_page
from bot.web.rendering import render, t
from bot.web.state import context_of, flash
from bot.web.views.common import checked_id, go
from core.seats.labels import ORGANISER, learned_list, teach, unlearn
from core.seats.unread import forget_group, grouped
from core.seats.weekly import weekly_shares
from core.understanding.gate import Verdict
from core.understanding.learned import LEARNABLE
from core.understanding.reading import TextIntent

PAGE = "/not-understood"
MAX_KEY = 300


@network_page
async def unread_page(request: Request) -> Response:
    """Similar messages together, the most written first, each with its one-tap labels."""
    context = context_of(request)
    now = context.clock.now()
    async with context.db.transaction() as session:
        groups = await grouped(session, now)
        weeks = await weekly_shares(session, now)
        learned = await learned_list(session)
    return render(
        request,
        "unread.html",
        {
            "groups": groups,
            "weeks": weeks,
            "learned": learned,
            "intents": [intent.value for intent in LEARNABLE],
        },
    )


def _intent_of(form: FormData) -> TextIntent | None:
    """The meaning picked, if it is one an organiser may teach."""
    value = str(form.get("intent", ""))
    return next((intent for intent in LEARNABLE if intent.value == value), None)


@network_action
async def label_action(request: Request, form: FormData) -> Response:
    """'It meant…': learn the group's messages as that, or say why the gate refused."""
    context = context_of(request)
    now = context.clock.now()
    key, intent = str(form.get("key", ""))[:MAX_KEY], _intent_of(form)
    if intent is None:
        flash(request, "dashboard.labels.not_learnable", "error")
        return go(request, PAGE)
    async with context.db.transaction() as session:
        group = next((found for found in await grouped(session, now) if found.key == key), None)
        if group is None:
            flash(request, "dashboard.labels.gone", "error")
            return go(request, PAGE)
        verdict = await teach(session, group.texts, intent, ORGANISER, now)
        if verdict.accepted:
            await forget_group(session, group.ids)
    _say(request, verdict, intent)
    return go(request, PAGE)


@network_action
async def unlearn_action(request: Request, form: FormData) -> Response:
    """'Remove': a learned example was wrong; the bot forgets it at once."""
    context = context_of(request)
    example_id = checked_id(form.get("id", ""))
    async with context.db.transaction() as session:
        removed = await unlearn(session, example_id)
    flash(request, "dashboard.learned.removed" if removed else "dashboard.labels.gone")
    return go(request, PAGE)


def _say(request: Request, verdict: Verdict, intent: TextIntent) -> None:
    """Tell the organiser what became of the label, in plain French."""
    if verdict.accepted:
        flash(request, "dashboard.labels.learned", intent=t(f"dashboard.intent.{intent.value}"))
    elif not verdict.learnable:
        flash(request, "dashboard.labels.not_learnable", "error")
    elif verdict.dangerous:
        read, meant = verdict.dangerous[0]
        flash(
            request,
            "dashboard.labels.refused_dangerous",
            "error",
            read=t(f"dashboard.intent.{read.value}"),
            meant=t(f"dashboard.intent.{meant.value}"),
        )
    else:
        flash(request, "dashboard.labels.refused_worse", "error", count=verdict.lost)
