"""What the bot does, by audience: `handlers/producer/` (everything a producer sees; officers are users too)
and `handlers/officer/` (the officer tools, every router guarded by the role check in
handlers/officer/guard.py). `build_router()` is the one explicit list the engine routes over; `flows()` the
questionnaires declared for the runner (bot/core/flows.py), whose diagrams are docs/flows/."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.context import Router

if TYPE_CHECKING:
    from bot.core.flows import Flow


def build_router() -> Router:
    from handlers.officer import (
        broadcast,
        broadcast_history,
        calendar,
        dossiers,
        export,
        inbox,
        replies,
        roles,
        stats,
        web_link,
    )
    from handlers.officer import bulletin as officer_bulletin
    from handlers.officer import menu as officer_menu
    from handlers.producer import (
        assessment,
        assessment_change,
        assessment_result,
        assessment_start,
        bulletins,
        deadlines,
        dossier,
        dossier_forms,
        dossier_send,
        dossier_status,
        eligibility,
        evidence,
        faq,
        handoff,
        menu,
        notifications,
        onboarding,
        profile,
        profile_set,
        settings,
    )

    producer = [onboarding, profile, profile_set, settings, notifications, bulletins, eligibility, dossier, dossier_status,
                dossier_forms, dossier_send, evidence, deadlines,
                assessment_start, assessment, assessment_change, assessment_result, faq, handoff, menu]
    officer = [officer_menu, inbox, replies, dossiers, calendar, officer_bulletin, stats, export, broadcast, broadcast_history,
               roles, web_link]
    return Router().include(module.router for module in [*producer, *officer])


def flows() -> list[Flow]:
    from handlers.producer.assessment import ASSESSMENT
    from handlers.producer.dossier_forms import FORMS
    from handlers.producer.eligibility import ELIGIBILITY
    from handlers.producer.profile import PROFILE

    return [PROFILE, ELIGIBILITY, ASSESSMENT, FORMS]
