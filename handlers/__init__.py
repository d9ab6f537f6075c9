"""What the bot does, one module per capability. ROUTERS is the one explicit list the engine routes over."""

from __future__ import annotations

from bot.context import Router


def build_router() -> Router:
    from handlers import (
        assessment,
        assessment_result,
        assessment_start,
        broadcast,
        broadcast_history,
        bulletins,
        deadlines,
        dossier,
        eligibility,
        faq,
        handoff,
        inbox,
        menu,
        officer,
        officer_bulletin,
        officer_calendar,
        officer_export,
        officer_stats,
        onboarding,
        profile,
        pushes,
        roles,
        settings,
    )

    return Router().include(
        [
            onboarding.router,
            profile.router,
            settings.router,
            pushes.router,
            bulletins.router,
            eligibility.router,
            dossier.router,
            deadlines.router,
            assessment_start.router,
            assessment.router,
            assessment_result.router,
            faq.router,
            handoff.router,
            officer.router,
            inbox.router,
            officer_calendar.router,
            officer_bulletin.router,
            officer_stats.router,
            officer_export.router,
            broadcast.router,
            broadcast_history.router,
            roles.router,
            menu.router,
        ]
    )
