"""The public draw record of a panel (published with the result notice) and its replay: anyone
pastes a seed and a candidate list and sees whether they reproduce the published order; a
different list fails visibly, saying what differs. Before publication: 404 (the panel is secret)."""

import json

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from . import draw, panel_selectors
from .models import DrawExclusion, PanelSeat


class ReplayForm(forms.Form):
    seed = forms.CharField(label=_("Seed (64 hexadecimal digits)"), max_length=200)
    candidates = forms.CharField(
        label=_("Candidate list (expert ids, one per line or separated by commas)"),
        max_length=2_000_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _published(panel_id):
    panel = panel_selectors.published_panel(panel_id)
    if panel is None:
        raise Http404()
    return panel


def _page(request: HttpRequest, panel, *, form: ReplayForm, verification=None, error=None, status=200):
    record = panel_selectors.draw_record(panel)
    reasons = dict(DrawExclusion.Reason.choices)
    statuses = dict(PanelSeat.Status.choices)
    seats = [seat | {"status_label": statuses.get(seat["status"], "")} for seat in record["seats"]]
    context = {
        "panel": panel,
        "lot": panel.lot,
        "record": record,
        "seats": seats,
        "exclusions": [
            (reasons.get(reason, reason), len(ids), ids) for reason, ids in record["exclusions"].items()
        ],
        "form": form,
        "verification": verification,
        "error": error,
    }
    return render(request, "experts/draw/record.html", context, status=status)


@require_GET
def draw_record(request: HttpRequest, panel_id: int) -> HttpResponse:
    panel = _published(panel_id)
    initial = {
        "seed": panel.seed,
        "candidates": draw.candidates_text(panel.candidates) if panel.candidates else "",
    }
    return _page(request, panel, form=ReplayForm(initial=initial))


@require_http_methods(["POST"])
def draw_replay(request: HttpRequest, panel_id: int) -> HttpResponse:
    panel = _published(panel_id)
    form = ReplayForm(request.POST)
    if not form.is_valid():
        return _page(request, panel, form=form, status=400)
    record = panel_selectors.draw_record(panel)
    try:
        verification = draw.verify(
            form.cleaned_data["seed"], draw.parse_candidates(form.cleaned_data["candidates"]), record
        )
    except draw.InvalidDrawInput as problem:
        return _page(request, panel, form=form, error=problem.message, status=400)
    return _page(request, panel, form=form, verification=verification)


@require_GET
def draw_record_json(request: HttpRequest, panel_id: int) -> HttpResponse:
    panel = _published(panel_id)
    response = JsonResponse(
        panel_selectors.draw_record(panel), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="draw-{panel.pk}.json"'
    return response


def load_record(text: str) -> dict:
    """A record file as the JSON download gives it (for the replay_draw command)."""
    return json.loads(text)
