"""The registrations list of an event: filters, sorting and pages in the URL, its CSV, and its bulk actions
(on the ticked rows, or on every registration the filters match)."""
from flask import Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms.widgets import Select, html_params

from eventhub.audit.services import Actor
from eventhub.auth.access import organiser_required
from eventhub.core.paging import paginate
from eventhub.core.signals import answers, badge_states
from eventhub.core.urls import safe_redirect_target
from eventhub.core.validation import as_id
from eventhub.events.access import get_event
from eventhub.registration import bulk_actions, queries, rules
from eventhub.registration.admin import bp, sorting
from eventhub.registration.admin.forms import (
    ACTIONS,
    CONFIRM_IN_BULK,
    ActionForm,
    BulkForm,
    FilterForm,
)
from eventhub.registration.bulk_actions import ACTIONS_FOR_STATUS
from eventhub.registration.models import STATUSES, Registration

PER_PAGE = 50


class OrganisationBox(Select):
    """The organisation filter's select box, with every member record people registered from: some 12,000 at
    a congress of 20,000. Written in one pass from (id, label) pairs, after the field's own "any" option: as
    WTForms' choices (made, checked, then written one by one) they cost a tenth of a second. Same HTML."""

    def __init__(self, organisations: list[tuple[int, str]]):
        super().__init__()
        self.organisations = organisations

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        chosen = field.data
        options = [f'<option {"selected " if chosen == choice.value else ""}value="">{escape(choice.label)}</option>'
                   for choice in field.choices if not choice.value]
        options += [f'<option {"selected " if chosen == str(id_) else ""}value="{id_}">{escape(label)}</option>'
                    for id_, label in self.organisations]
        # Labels escaped, values numbers, attributes through WTForms' html_params: safe HTML, as WTForms' own.
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{''.join(options)}</select>")  # noqa: S704


def _filters(event, organisations: list[tuple[int, str]] | None = None) -> tuple[FilterForm, dict]:
    """The list filters from the query string, shared by the list, the CSV export and the bulk actions.

    The form is given only the organisation asked for, if people registered from it: from `organisations`
    (every such record, which the list page reads for its box), else looked up alone.
    """
    asked = as_id(request.args.get("organisation_id"))
    if organisations is None:
        known = queries.registered_organisations(event, ids=[asked]) if asked else []
    else:
        known = [pair for pair in organisations if pair[0] == asked]
    form = FilterForm(request.args, known)
    return form, form.filters()


@bp.route("/registrations")
@organiser_required
def index(slug: str):
    """Registrations of one event: filters, search, sorting, counts per status, a page at a time."""
    event = get_event(slug, manage=True)
    organisations = queries.registered_organisations(event)
    form, filters = _filters(event, organisations)
    form.organisation_id.widget = OrganisationBox(organisations)
    sort, order = sorting.sort_from(request.args)
    # What every link of the page keeps: the filters and the sort (and the page, for the way back).
    listed = {**filters, **sorting.sort_args(sort, order)}
    counts = queries.status_counts(event, **filters)
    # The counts per status are the list's total: no COUNT of its own (at 20,000 rows it costs as much).
    total = counts[filters["status"]] if filters.get("status") else sum(counts.values())
    query = sorting.sort_query(queries.registrations_query(event, **filters), sort, order)
    page = paginate(query, PER_PAGE, total=total, key=Registration.id)
    return render_template(
        "registration/admin/index.html", event=event, form=form, filters=filters, page=page,
        sort=sort, order=order, listed=listed, sort_args=sorting.sort_args,
        counts=counts, positions=rules.waitlist_positions(event),
        badges=answers(badge_states, event, registration_ids=[r.id for r in page.items]),
        other_filters={k: v for k, v in listed.items() if k != "status"}, statuses=STATUSES, actions=ACTIONS,
        actions_for_status=ACTIONS_FOR_STATUS, action_form=ActionForm(),
        bulk_actions=_bulk_actions(filters.get("status")),
        seen_up_to=bulk_actions.newest_id(event, filters) if page.total else None,
        tick_page=request.args.get("tick") == "page",  # the no-script "Tick all" link
        back=url_for(".index", slug=slug, page=page.page if page.page > 1 else None, **listed),
    )


def _bulk_actions(status: str | None) -> dict:
    """The bulk buttons: with a status filter, only the actions that status allows (none for cancelled)."""
    allowed = ACTIONS_FOR_STATUS.get(status, ()) if status else tuple(ACTIONS)
    return {key: label for key, label in ACTIONS.items() if key in allowed}


@bp.route("/registrations.csv")
@organiser_required
def export_csv(slug: str):
    """The filtered registrations with every answer, as a CSV file Excel opens."""
    event = get_event(slug, manage=True)
    _form, filters = _filters(event)
    # Streamed as it is written: 20,000 rows never sit in memory at once.
    response = Response(stream_with_context(queries.export_csv(event, **filters)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-registrations.csv"'
    return response


@bp.post("/registrations/bulk")
@organiser_required
def bulk(slug: str):
    """The same action on the ticked rows, or on every registration the list's filters match (the form
    posts to the list's query string), each through its service. Reports what was refused; a long
    action answers with its progress and goes on in the next request."""
    event = get_event(slug, manage=True)
    form = BulkForm()
    back = safe_redirect_target(form.next.data, url_for(".index", slug=slug))
    if not form.validate_on_submit():
        flash(_("Nothing was changed: tick at least one registration and choose an action."), "error")
        return redirect(back)
    action, after, filters = form.action.data, form.after.data, {}
    if form.scope.data == "matching":
        _form, filters = _filters(event)
        ids, others = bulk_actions.matching(event, filters, action, form.seen_up_to.data, after)
        if action in CONFIRM_IN_BULK and ids and not form.confirmed.data:
            return render_template("registration/admin/bulk_confirm.html", event=event, form=form, count=len(ids),
                                   action_label=ACTIONS[action], filters=filters, back=back)
    else:
        ids, others = [i for i in form.ids.data if after is None or i > after], 0
    outcome = bulk_actions.apply(event, action, ids, Actor.for_user(current_user))
    # Counts of the rounds before this one (none on the first); the others are counted on the first only.
    done, refused = (form.done.data or 0) + outcome.done, (form.refused.data or 0) + outcome.refused
    others = others if after is None else (form.others.data or 0)
    if outcome.left:
        _report_refusals(outcome)
        return render_template("registration/admin/bulk_progress.html", event=event, form=form, filters=filters,
                               action_label=ACTIONS[action], outcome=outcome, done=done, refused=refused,
                               others=others, back=back)
    _report(ACTIONS[action], done, refused, others)
    _report_refusals(outcome)
    return redirect(back)


def _report_refusals(outcome: bulk_actions.Outcome) -> None:
    """Flash the first refusals of a round by name, and how many more there were."""
    for name, reason in outcome.refusals:
        flash(_("Not changed — %(name)s: %(reason)s", name=name, reason=reason), "error")
    if more := outcome.refused - len(outcome.refusals):
        flash(ngettext("… and %(num)d more registration was not changed.",
                       "… and %(num)d more registrations were not changed.", more), "error")


def _report(label: str, done: int, refused: int, others: int) -> None:
    """Flash what a bulk action did in all, and how many matching registrations it did not apply to."""
    if done + refused or not others:
        flash(_("%(action)s: %(done)d of %(total)d registrations changed.", action=label, done=done,
                total=done + refused), "success" if done else "info")
    if others:
        flash(ngettext("%(num)d other matching registration was left as it is: “%(action)s” does not apply to "
                       "its status.", "%(num)d other matching registrations were left as they are: “%(action)s” "
                       "does not apply to their status.", others, action=label), "info")
