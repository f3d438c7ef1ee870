"""The co-creation barometer instrument: 24 items in 8 dimensions, with texts in nb and en.

A short partner survey answered by people on *both* sides of a partnership (the municipality
and the social entrepreneur / NGO). Every item is a statement rated on a 1–5 agreement scale
(1 = strongly disagree … 5 = strongly agree); all items are worded positively, so no item is
reverse-keyed. The wording is the project's own. The choice of dimensions is informed by, not
copied from, the Wilder Collaboration Factors Inventory (Mattessich, Murray-Close & Monsey
2001, *Collaboration: What Makes It Work*, 2nd ed., Amherst H. Wilder Foundation) and the
Partnership Self-Assessment Tool (Center for the Advancement of Collaborative Strategies in
Health 2002; Weiss, Anderson & Lasker 2002, *Health Education & Behavior* 29(6), 683–698),
with two dimensions the municipality asked for: equal partnership (``likeverd``) as the success
factor of co-creation and readiness for ordinary operation (``drift``), where many projects fail.

Examples
--------
>>> BAROMETER_ITEMS["lik_1"]
'likeverd'
>>> len(BAROMETER_ITEMS), len(DIMENSIONS)
(24, 8)
>>> DIMENSION_LABELS["drift"]["en"]
'Ready for ordinary operation'
"""

from __future__ import annotations

#: The dimensions in the order they are shown, with the prefix of their item codes.
_PREFIX = {
    "likeverd": "lik",
    "tillit": "til",
    "felles_maal": "mal",
    "ressurser": "res",
    "laering": "lae",
    "handlingsrom": "han",
    "forankring": "for",
    "drift": "dri",
}
DIMENSIONS: tuple[str, ...] = tuple(_PREFIX)

#: Item code → dimension (24 items, 3 per dimension).
BAROMETER_ITEMS: dict[str, str] = dict(
    {f"{prefix}_{i}": dim for dim, prefix in _PREFIX.items() for i in (1, 2, 3)}
)

#: Item code → ``{"nb": text, "en": text}``.
ITEM_TEXT: dict[str, dict[str, str]] = dict(
    {
        code: {"nb": nb, "en": en}
        for code, nb, en in (
            (
                "lik_1",
                "Begge parter har reell innflytelse på beslutninger som betyr noe i samarbeidet.",
                "Both parties have real influence on the decisions that matter in the partnership.",
            ),
            (
                "lik_2",
                "Kunnskapen og erfaringen til begge parter blir tatt like alvorlig.",
                "The knowledge and experience of both parties are taken equally seriously.",
            ),
            (
                "lik_3",
                "Vi møtes som likeverdige parter, ikke som bestiller og leverandør.",
                "We meet as equals, not as purchaser and supplier.",
            ),
            (
                "til_1",
                "Jeg stoler på at den andre parten gjør det vi har avtalt.",
                "I trust the other party to do what we have agreed.",
            ),
            (
                "til_2",
                "Vi kan ta opp uenighet og problemer åpent med hverandre.",
                "We can raise disagreements and problems openly with each other.",
            ),
            (
                "til_3",
                "Informasjon deles åpent og i tide mellom partene.",
                "Information is shared openly and in good time between the parties.",
            ),
            (
                "mal_1",
                "Vi har en felles forståelse av hva samarbeidet skal oppnå.",
                "We share an understanding of what the partnership is meant to achieve.",
            ),
            (
                "mal_2",
                "Målene for samarbeidet er skrevet ned og kjent for alle som er involvert.",
                "The goals of the partnership are written down and known to everyone involved.",
            ),
            (
                "mal_3",
                "Vi er enige om hvordan vi skal se at samarbeidet lykkes.",
                "We agree on how we will know that the partnership is succeeding.",
            ),
            (
                "res_1",
                "Begge parter bidrar med tid, penger eller kompetanse som samarbeidet trenger.",
                "Both parties contribute time, money or expertise that the partnership needs.",
            ),
            (
                "res_2",
                "Ressursene i samarbeidet er fordelt på en måte begge parter synes er rimelig.",
                "The resources in the partnership are shared in a way both parties consider fair.",
            ),
            (
                "res_3",
                "Samarbeidet har nok ressurser til å gjøre det vi har satt oss fore.",
                "The partnership has enough resources to do what we have set out to do.",
            ),
            (
                "lae_1",
                "Vi har lært noe av hverandre som endrer måten vi jobber på.",
                "We have learnt things from each other that change the way we work.",
            ),
            (
                "lae_2",
                "Vi justerer arbeidet når erfaringene viser at noe ikke fungerer.",
                "We adjust the work when experience shows that something does not work.",
            ),
            (
                "lae_3",
                "Vi setter av tid til å se tilbake på hva som fungerer og hva som ikke gjør det.",
                "We set time aside to look back at what works and what does not.",
            ),
            (
                "han_1",
                "Regler for anskaffelser, personvern og økonomi er avklart for samarbeidet.",
                "Rules on procurement, data protection and finances have been clarified for the partnership.",
            ),
            (
                "han_2",
                "Avtalen mellom partene gir rom for å prøve ut nye løsninger.",
                "The agreement between the parties leaves room to try out new solutions.",
            ),
            (
                "han_3",
                "Det er klart hvem som har ansvar for hva, også når noe går galt.",
                "It is clear who is responsible for what, also when something goes wrong.",
            ),
            (
                "for_1",
                "Samarbeidet er forankret i kommunens planer eller budsjett.",
                "The partnership is anchored in the municipality's plans or budget.",
            ),
            (
                "for_2",
                "Ledelsen hos begge parter kjenner til og støtter samarbeidet.",
                "The leadership on both sides knows about and supports the partnership.",
            ),
            (
                "for_3",
                "Samarbeidet ville fortsatt selv om de som startet det, sluttet.",
                "The partnership would continue even if the people who started it left.",
            ),
            (
                "dri_1",
                "Det finnes en plan for hvordan tiltaket skal videreføres etter prosjektperioden.",
                "There is a plan for how the initiative will continue after the project period.",
            ),
            (
                "dri_2",
                "Det er avklart hvem som skal eie og finansiere tiltaket i ordinær drift.",
                "It has been agreed who will own and fund the initiative in ordinary operation.",
            ),
            (
                "dri_3",
                "De som skal drive tiltaket videre, er involvert allerede nå.",
                "The people who will run the initiative later are already involved now.",
            ),
        )
    }
)

#: Dimension → ``{"nb": label, "en": label}`` (axis labels, table headers).
DIMENSION_LABELS: dict[str, dict[str, str]] = dict(
    {
        dim: {"nb": nb, "en": en}
        for dim, nb, en in (
            ("likeverd", "Likeverd", "Equal partnership"),
            ("tillit", "Tillit", "Trust"),
            ("felles_maal", "Felles mål", "Shared goals"),
            ("ressurser", "Ressurser fra begge", "Resources from both"),
            ("laering", "Læring og tilpasning", "Learning and adaptation"),
            ("handlingsrom", "Handlingsrom", "Room for action"),
            ("forankring", "Forankring", "Anchoring"),
            ("drift", "Klar for ordinær drift", "Ready for ordinary operation"),
        )
    }
)

#: Dimension → a question for the partners to talk about when their views differ.
PROMPTS: dict[str, dict[str, str]] = dict(
    {
        dim: {"nb": nb, "en": en}
        for dim, nb, en in (
            (
                "likeverd",
                "Hvem tar beslutningene i praksis? Snakk om hvordan begge parter kan få reell innflytelse.",
                "Who makes the decisions in practice? Talk about how both parties can have real influence.",
            ),
            (
                "tillit",
                "Hva skal til for at dere kan ta opp problemer tidlig og åpent med hverandre?",
                "What would it take for you to raise problems with each other early and openly?",
            ),
            (
                "felles_maal",
                "Skriv målene ned sammen: hva skal samarbeidet oppnå, og hvordan ser dere at det lykkes?",
                "Write the goals down together: what should the partnership achieve, and how will you see it succeed?",
            ),
            (
                "ressurser",
                "Gå gjennom hva hver part faktisk bidrar med, og om fordelingen oppleves rimelig for begge.",
                "Go through what each party actually contributes, and whether both find the split fair.",
            ),
            (
                "laering",
                "Sett av tid til en felles gjennomgang av hva som fungerer og hva dere bør endre.",
                "Set time aside for a joint review of what works and what you should change.",
            ),
            (
                "handlingsrom",
                "Avklar regler for anskaffelser, personvern og ansvar før de blir et hinder.",
                "Clarify the rules on procurement, data protection and responsibility before they get in the way.",
            ),
            (
                "forankring",
                "Hvem i ledelsen må kjenne til og støtte samarbeidet for at det skal tåle at folk slutter?",
                "Who in leadership must know about and back the partnership for it to survive people leaving?",
            ),
            (
                "drift",
                "Lag en plan for overgangen til ordinær drift: hvem eier, finansierer og driver tiltaket?",
                "Make a plan for the hand-over to ordinary operation: who owns, funds and runs the initiative?",
            ),
        )
    }
)

#: The answer scale (code → label per language).
SCALE: dict[int, dict[str, str]] = dict(
    {
        code: {"nb": nb, "en": en}
        for code, nb, en in (
            (1, "Helt uenig", "Strongly disagree"),
            (2, "Litt uenig", "Somewhat disagree"),
            (3, "Verken enig eller uenig", "Neither agree nor disagree"),
            (4, "Litt enig", "Somewhat agree"),
            (5, "Helt enig", "Strongly agree"),
        )
    }
)

#: Side code → label per language (legend of the plot, table headers).
SIDE_LABELS: dict[str, dict[str, str]] = dict(
    {
        "kommune": {"nb": "Kommunen", "en": "Municipality"},
        "partner": {"nb": "Partneren", "en": "Partner"},
    }
)
SIDES: tuple[str, ...] = tuple(SIDE_LABELS)


def items_of(dimension: str) -> tuple[str, ...]:
    """The item codes of one dimension, in order.

    Examples
    --------
    >>> items_of("tillit")
    ('til_1', 'til_2', 'til_3')
    """
    return tuple(code for code, dim in BAROMETER_ITEMS.items() if dim == dimension)
