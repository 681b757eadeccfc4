"""The sample portfolio, written down: fourteen fictional client–supplier relationships and what is planted in them.

Everything the generator draws at random is noise around the figures here; everything an analysis should find
is named in :data:`PLANTED` (and in ``data/samples/README.md``, which the tests keep in step with it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..schemas import COMMON_LEVELS
from ._titles import (
    CLIENT_CAMPUS,
    CLIENT_CORPORATE,
    CLIENT_COUNCIL,
    CLIENT_HEALTH,
    CLIENT_INFRA,
    CLIENT_RETAIL,
    FN_CLIENT_CORPORATE,
    FN_CLIENT_HEALTH,
    FN_CLIENT_INFRA,
    FN_CLIENT_PUBLIC,
    FN_SUPPLIER,
    FN_SUPPLIER_IT,
    SUPPLIER_BUILD,
    SUPPLIER_CARE,
    SUPPLIER_FM,
    SUPPLIER_IT,
    SUPPLIER_LOGISTICS,
    SUPPLIER_SERVICES,
)

__all__ = ["PartySpec", "ActionSpec", "RelationshipSpec", "PORTFOLIO", "PLANTED", "REFERENCE_DATE"]

#: The fixed "today" the sample is written against: time left to run is counted from here, never from now.
REFERENCE_DATE = "2026-11-01"

S, M, F = COMMON_LEVELS


@dataclass(frozen=True)
class PartySpec:
    """One organisation: its own level and function titles, each mapped to a common one, with weights."""

    party_id: str
    name: str
    short: str  # how people on the other side refer to it in comments
    levels: tuple[tuple[str, str, float], ...]  # (local title, common level, weight within that common level)
    functions: tuple[tuple[str, str, float], ...]  # (local function, common function, weight)


@dataclass(frozen=True)
class ActionSpec:
    """An improvement action; ``effect`` says what the generator does to its targets' descendants later.

    ``lift``: the Dissolve descendants of the targets rise (done: +1.1 then +1.4 on the latent scale; in
    progress: +0.9 then +1.2). ``none``: the targets do not move (dropped, or done but ineffective).
    ``open``: raised in the latest cycle or later; nothing to read yet.
    """

    action_id: str
    title: str
    code_ids: tuple[str, ...]
    owner_role: str
    owner_party_id: str
    raised_cycle: str
    due: str
    status: str
    effect: str


@dataclass(frozen=True)
class RelationshipSpec:
    relationship_id: str
    scope: str
    sector: str
    annual_value_m: float
    start: str
    end: str
    other_initiatives: bool
    client: PartySpec
    supplier: PartySpec
    size: int  # people ever invited, before joiners
    client_share: float
    level_mix: tuple[float, float, float]  # senior, middle, front line
    response_rate: float
    health: float  # latent level 1..5 around which the relationship's ratings sit
    cycles: tuple[tuple[str, str, str | None], ...]  # (cycle_id, opened, closed or None while open)
    ttm_effects: dict[str, float] = field(
        default_factory=dict
    )  # replace the random Thing That Matters effect
    actions: tuple[ActionSpec, ...] = ()
    change_roles: tuple[tuple[str, str | None], ...] = ()  # (role, party_id filling it or None if vacant)

    @property
    def name(self) -> str:
        return f"{self.client.name} and {self.supplier.name}: {self.scope}"


_MIX = (0.07, 0.25, 0.68)


def _roles(
    champion: str | None, leader: str | None, stabilizer: str | None
) -> tuple[tuple[str, str | None], ...]:
    return (
        ("change_champion", champion),
        ("transformational_leader", leader),
        ("change_stabilizer", stabilizer),
    )


#: Improvement actions, one a line: relationship | action | title | targeted Value Codes | owner role | owner party |
#: raised in | due | status | effect (see :class:`ActionSpec`).
_ACTIONS = """
harbourside-northwind | A01 | Weekly joint service review with a shared action log | RSP-01 | Service Manager | northwind | solve | 2024-10-31 | done | lift
harbourside-northwind | A02 | Open risk and issue register shared by both parties | TRU-01 TRU-03 | Head of Service | harbourside | solve | 2024-11-30 | done | lift
harbourside-northwind | A03 | Joint governance board with a published decision log | GOV-01 | Executive Director | harbourside | solve | 2025-03-31 | in_progress | lift
harbourside-northwind | A04 | Renegotiate the gain-share mechanism | COM-01 | Account Director | northwind | solve | 2024-12-31 | dropped | none
harbourside-northwind | A05 | Cross-team induction programme | PPL-02 | Team Leader | northwind | solve | 2024-12-31 | done | none
harbourside-northwind | A06 | Monthly outcome dashboard for both boards | D-OUT-01 | Team Manager | harbourside | dissolve-1 | 2025-07-31 | agreed | open
meridian-atlas | A01 | Escalation matrix with named contacts on both sides | RSP-01 | Depot Manager | atlas | solve | 2025-08-31 | done | lift
meridian-atlas | A02 | Daily stand-up between store and depot teams | CMM-02 | Regional Manager | meridian | solve | 2025-09-30 | in_progress | lift
meridian-atlas | A03 | Quarterly joint innovation day | INN-02 | Regional Director | atlas | solve | 2025-10-31 | dropped | none
kestrel-ironbridge | A01 | Single integrated programme schedule | DEL-01C DEL-01S | Project Manager | ironbridge | solve | 2024-09-30 | done | lift
kestrel-ironbridge | A02 | Fortnightly joint review of early-warning notices | CMM-02 | Programme Director | kestrel | solve | 2024-08-31 | done | lift
kestrel-ironbridge | A03 | Joint innovation fund with a shared selection panel | INN-02 | Operations Director | ironbridge | solve | 2024-12-31 | dropped | none
kestrel-ironbridge | A04 | Site wellbeing charter | PPL-02 | Site Manager | ironbridge | solve | 2024-10-31 | done | none
kestrel-ironbridge | A05 | Open-book cost review of the next phase | D-COM-01 | Programme Director | kestrel | dissolve-1 | 2025-09-30 | proposed | open
pinecrest-clearview | A01 | Root-cause review of repeat incidents | DEL-02 DEL-03 | Service Delivery Manager | clearview | solve | 2026-01-31 | agreed | open
pinecrest-clearview | A02 | Service credits tied to what users experience | DEL-04 | Head of | pinecrest | solve | 2026-03-31 | proposed | open
st-aldric-medserve | A01 | Shared outcome measures for patient flow | OUT-01 | General Manager | st-aldric | solve | 2025-06-30 | done | lift
st-aldric-medserve | A02 | Monthly open-book meeting between the executives | TRU-03 | Managing Director | medserve | solve | 2025-06-30 | done | none
quarry-lane-brightfm | A01 | Joint induction and handover checklist for both teams | PPL-01 PPL-04 | Contract Manager | brightfm | solve | 2025-10-31 | agreed | open
ashby-corelink | A01 | Daily call-quality calibration between the two teams | DEL-03 | Service Manager | corelink | solve | 2026-07-31 | in_progress | open
lindenfield-oakmont | A01 | Quarterly joint board with delegated authority | GOV-03 | Contract Director | oakmont | solve | 2024-12-31 | done | lift
"""


def _actions(relationship_id: str) -> tuple[ActionSpec, ...]:
    out = []
    for line in _ACTIONS.strip().splitlines():
        rid, aid, title, codes, owner, party, raised, due, status, effect = (
            f.strip() for f in line.split("|")
        )
        if rid == relationship_id:
            out.append(
                ActionSpec(aid, title, tuple(codes.split()), owner, party, raised, due, status, effect)
            )
    return tuple(out)


PORTFOLIO: tuple[RelationshipSpec, ...] = (
    RelationshipSpec(
        relationship_id="harbourside-northwind",
        scope="revenues and benefits outsourcing",
        sector="outsourcing",
        annual_value_m=48.0,
        start="2021-04-01",
        end="2031-03-31",
        other_initiatives=False,
        client=PartySpec(
            "harbourside", "Harbourside Borough Council", "the council", CLIENT_COUNCIL, FN_CLIENT_PUBLIC
        ),
        supplier=PartySpec(
            "northwind", "Northwind Business Services", "Northwind", SUPPLIER_SERVICES, FN_SUPPLIER
        ),
        size=330,
        client_share=0.4,
        level_mix=_MIX,
        response_rate=0.62,
        health=2.65,
        cycles=(
            ("resolve", "2024-03-04", "2024-03-25"),
            ("solve", "2024-07-08", "2024-07-29"),
            ("dissolve-1", "2025-02-03", "2025-02-24"),
            ("dissolve-2", "2025-09-08", "2025-09-29"),
        ),
        ttm_effects={
            "trust": -0.5,
            "responsiveness": 0.25,
            "governance": -0.4,
            "people": -0.3,
            "delivery": 0.3,
        },
        actions=_actions("harbourside-northwind"),
        change_roles=_roles("harbourside", "northwind", "harbourside"),
    ),
    RelationshipSpec(
        relationship_id="meridian-atlas",
        scope="store replenishment and distribution",
        sector="logistics",
        annual_value_m=31.5,
        start="2022-09-01",
        end="2029-08-31",
        other_initiatives=False,
        client=PartySpec("meridian", "Meridian Retail Group", "Meridian", CLIENT_RETAIL, FN_CLIENT_CORPORATE),
        supplier=PartySpec("atlas", "Atlas Freight and Logistics", "Atlas", SUPPLIER_LOGISTICS, FN_SUPPLIER),
        size=210,
        client_share=0.45,
        level_mix=(0.06, 0.27, 0.67),
        response_rate=0.66,
        health=2.95,
        cycles=(
            ("resolve", "2025-01-13", "2025-02-03"),
            ("solve", "2025-05-12", "2025-06-02"),
            ("dissolve-1", "2025-12-01", "2025-12-22"),
        ),
        ttm_effects={"responsiveness": -0.5, "communication": -0.4, "innovation": -0.2},
        actions=_actions("meridian-atlas"),
        change_roles=_roles("atlas", "meridian", "atlas"),
    ),
    RelationshipSpec(
        relationship_id="kestrel-ironbridge",
        scope="track renewal framework",
        sector="construction",
        annual_value_m=95.0,
        start="2020-06-01",
        end="2030-05-31",
        other_initiatives=False,
        client=PartySpec("kestrel", "Kestrel Rail Infrastructure", "Kestrel", CLIENT_INFRA, FN_CLIENT_INFRA),
        supplier=PartySpec(
            "ironbridge", "Ironbridge Civil Engineering", "Ironbridge", SUPPLIER_BUILD, FN_SUPPLIER
        ),
        size=260,
        client_share=0.35,
        level_mix=(0.1, 0.26, 0.64),
        response_rate=0.7,
        health=2.85,
        cycles=(
            ("resolve", "2024-01-15", "2024-02-05"),
            ("solve", "2024-05-13", "2024-06-03"),
            ("dissolve-1", "2024-11-11", "2024-12-02"),
            ("dissolve-2", "2025-06-09", "2025-06-30"),
        ),
        ttm_effects={
            "delivery": -0.5,
            "communication": -0.4,
            "commercial": 0.0,
            "innovation": -0.3,
            "people": -0.2,
        },
        actions=_actions("kestrel-ironbridge"),
        change_roles=_roles("ironbridge", "kestrel", None),
    ),
    RelationshipSpec(
        relationship_id="pinecrest-clearview",
        scope="end-user computing and service desk",
        sector="IT managed services",
        annual_value_m=18.0,
        start="2023-04-01",
        end="2028-03-31",
        other_initiatives=False,
        client=PartySpec(
            "pinecrest", "Pinecrest Building Society", "Pinecrest", CLIENT_CORPORATE, FN_CLIENT_CORPORATE
        ),
        supplier=PartySpec("clearview", "Clearview Managed IT", "Clearview", SUPPLIER_IT, FN_SUPPLIER_IT),
        size=150,
        client_share=0.4,
        level_mix=_MIX,
        response_rate=0.6,
        health=3.15,
        cycles=(
            ("resolve", "2025-06-02", "2025-06-23"),
            ("solve", "2025-10-06", "2025-10-27"),
        ),
        ttm_effects={"delivery": -1.15},
        actions=_actions("pinecrest-clearview"),
        change_roles=_roles("pinecrest", None, "clearview"),
    ),
    RelationshipSpec(
        relationship_id="st-aldric-medserve",
        scope="clinical support services",
        sector="healthcare",
        annual_value_m=36.0,
        start="2022-01-01",
        end="2028-12-31",
        other_initiatives=True,
        client=PartySpec(
            "st-aldric", "St Aldric's Hospitals Trust", "the Trust", CLIENT_HEALTH, FN_CLIENT_HEALTH
        ),
        supplier=PartySpec("medserve", "MedServe Clinical Support", "MedServe", SUPPLIER_CARE, FN_SUPPLIER),
        size=230,
        client_share=0.5,
        level_mix=(0.06, 0.22, 0.72),
        response_rate=0.54,
        health=3.0,
        cycles=(
            ("resolve", "2024-10-07", "2024-10-28"),
            ("solve", "2025-02-10", "2025-03-03"),
            ("dissolve-1", "2025-09-15", "2025-10-06"),
        ),
        ttm_effects={"outcomes": -0.5, "trust": -0.3, "commercial": 0.0, "innovation": 0.0},
        actions=_actions("st-aldric-medserve"),
        change_roles=_roles("st-aldric", "medserve", "st-aldric"),
    ),
    RelationshipSpec(
        relationship_id="quarry-lane-brightfm",
        scope="campus facilities management",
        sector="facilities management",
        annual_value_m=9.5,
        start="2023-08-01",
        end="2028-07-31",
        other_initiatives=False,
        client=PartySpec(
            "quarry-lane", "Quarry Lane University", "the University", CLIENT_CAMPUS, FN_CLIENT_PUBLIC
        ),
        supplier=PartySpec(
            "brightfm", "BrightFM Facilities Management", "BrightFM", SUPPLIER_FM, FN_SUPPLIER
        ),
        size=85,
        client_share=0.4,
        level_mix=_MIX,
        response_rate=0.64,
        health=2.75,
        cycles=(
            ("resolve", "2025-03-03", "2025-03-24"),
            ("solve", "2025-07-07", "2025-07-28"),
        ),
        ttm_effects={"people": -0.4},
        actions=_actions("quarry-lane-brightfm"),
        change_roles=_roles("quarry-lane", "brightfm", None),
    ),
    RelationshipSpec(
        relationship_id="halden-vantage",
        scope="operational technology and IT managed service",
        sector="IT managed services",
        annual_value_m=140.0,
        start="2022-07-01",
        end="2032-06-30",
        other_initiatives=False,
        client=PartySpec("halden", "Halden Water", "Halden", CLIENT_CORPORATE, FN_CLIENT_CORPORATE),
        supplier=PartySpec("vantage", "Vantage Digital Services", "Vantage", SUPPLIER_IT, FN_SUPPLIER_IT),
        size=280,
        client_share=0.45,
        level_mix=_MIX,
        response_rate=0.5,
        health=2.1,
        cycles=(("resolve", "2026-09-07", "2026-09-28"),),
        change_roles=_roles("halden", None, None),
    ),
    RelationshipSpec(
        relationship_id="fenwick-crossway",
        scope="chilled and ambient transport",
        sector="logistics",
        annual_value_m=22.0,
        start="2020-02-01",
        end="2027-01-31",
        other_initiatives=False,
        client=PartySpec("fenwick", "Fenwick Foods", "Fenwick", CLIENT_RETAIL, FN_CLIENT_CORPORATE),
        supplier=PartySpec("crossway", "Crossway Transport", "Crossway", SUPPLIER_LOGISTICS, FN_SUPPLIER),
        size=120,
        client_share=0.4,
        level_mix=_MIX,
        response_rate=0.5,
        health=2.05,
        cycles=(("resolve", "2026-06-01", "2026-06-22"),),
        change_roles=_roles(None, None, None),
    ),
    RelationshipSpec(
        relationship_id="ashby-corelink",
        scope="customer contact centre",
        sector="outsourcing",
        annual_value_m=60.0,
        start="2023-10-01",
        end="2030-09-30",
        other_initiatives=True,
        client=PartySpec("ashby", "Ashby Insurance", "Ashby", CLIENT_CORPORATE, FN_CLIENT_CORPORATE),
        supplier=PartySpec(
            "corelink", "CoreLink Contact Centres", "CoreLink", SUPPLIER_SERVICES, FN_SUPPLIER
        ),
        size=190,
        client_share=0.3,
        level_mix=(0.05, 0.2, 0.75),
        response_rate=0.52,
        health=2.15,
        cycles=(
            ("resolve", "2025-11-03", "2025-11-24"),
            ("solve", "2026-03-02", "2026-03-23"),
        ),
        actions=_actions("ashby-corelink"),
        change_roles=_roles(None, "corelink", None),
    ),
    RelationshipSpec(
        relationship_id="lindenfield-oakmont",
        scope="property maintenance",
        sector="facilities management",
        annual_value_m=14.0,
        start="2019-04-01",
        end="2029-03-31",
        other_initiatives=False,
        client=PartySpec(
            "lindenfield", "Lindenfield County Council", "the council", CLIENT_COUNCIL, FN_CLIENT_PUBLIC
        ),
        supplier=PartySpec("oakmont", "Oakmont Property Services", "Oakmont", SUPPLIER_FM, FN_SUPPLIER),
        size=110,
        client_share=0.4,
        level_mix=_MIX,
        response_rate=0.78,
        health=4.2,
        cycles=(
            ("resolve", "2024-05-06", "2024-05-27"),
            ("solve", "2024-09-09", "2024-09-30"),
            ("dissolve-1", "2025-04-07", "2025-04-28"),
        ),
        ttm_effects={"governance": -1.2},
        actions=_actions("lindenfield-oakmont"),
        change_roles=_roles("lindenfield", "oakmont", "oakmont"),
    ),
    RelationshipSpec(
        relationship_id="thornbury-helix",
        scope="pathology and diagnostics",
        sector="healthcare",
        annual_value_m=11.0,
        start="2021-11-01",
        end="2027-10-31",
        other_initiatives=False,
        client=PartySpec(
            "thornbury", "Thornbury Health Partnership", "Thornbury", CLIENT_HEALTH, FN_CLIENT_HEALTH
        ),
        supplier=PartySpec("helix", "Helix Diagnostics", "Helix", SUPPLIER_CARE, FN_SUPPLIER),
        size=64,
        client_share=0.5,
        level_mix=(0.08, 0.25, 0.67),
        response_rate=0.82,
        health=4.1,
        cycles=(
            ("resolve", "2025-09-01", "2025-09-22"),
            ("solve", "2026-01-12", "2026-02-02"),
        ),
        change_roles=_roles("thornbury", "helix", "thornbury"),
    ),
    RelationshipSpec(
        relationship_id="redwater-stratus",
        scope="cloud hosting and operations",
        sector="IT managed services",
        annual_value_m=27.0,
        start="2024-01-01",
        end="2029-12-31",
        other_initiatives=True,
        client=PartySpec("redwater", "Redwater Energy", "Redwater", CLIENT_CORPORATE, FN_CLIENT_CORPORATE),
        supplier=PartySpec("stratus", "Stratus Cloud Operations", "Stratus", SUPPLIER_IT, FN_SUPPLIER_IT),
        size=140,
        client_share=0.35,
        level_mix=_MIX,
        response_rate=0.74,
        health=4.0,
        cycles=(
            ("resolve", "2026-05-11", "2026-06-01"),
            ("solve", "2026-10-12", None),
        ),
        change_roles=_roles("redwater", "stratus", "stratus"),
    ),
    RelationshipSpec(
        relationship_id="bramley-keystone",
        scope="housing development partnership",
        sector="construction",
        annual_value_m=40.0,
        start="2024-01-01",
        end="2028-12-31",
        other_initiatives=True,
        client=PartySpec("bramley", "Bramley Homes", "Bramley", CLIENT_INFRA, FN_CLIENT_INFRA),
        supplier=PartySpec("keystone", "Keystone Build Partners", "Keystone", SUPPLIER_BUILD, FN_SUPPLIER),
        size=170,
        client_share=0.35,
        level_mix=_MIX,
        response_rate=0.56,
        health=2.8,
        cycles=(("resolve", "2026-02-02", "2026-02-23"),),
        change_roles=_roles("bramley", None, None),
    ),
    RelationshipSpec(
        relationship_id="wexford-polaris",
        scope="payroll and HR administration",
        sector="outsourcing",
        annual_value_m=6.5,
        start="2021-01-01",
        end="2027-12-31",
        other_initiatives=False,
        client=PartySpec("wexford", "Wexford Rail", "Wexford", CLIENT_CORPORATE, FN_CLIENT_CORPORATE),
        supplier=PartySpec("polaris", "Polaris Payroll Services", "Polaris", SUPPLIER_SERVICES, FN_SUPPLIER),
        size=27,
        client_share=0.45,
        level_mix=(0.12, 0.26, 0.62),
        response_rate=0.72,
        health=3.3,
        cycles=(
            ("resolve", "2025-04-07", "2025-04-28"),
            ("solve", "2025-08-04", "2025-08-25"),
        ),
        change_roles=_roles("polaris", None, None),
    ),
)

#: What an analysis of the sample should find. The generator plants exactly these; the tests check them.
PLANTED: dict = {
    "reference_date": REFERENCE_DATE,
    # mean rating over all the relationship's responses ≲ 2.3 / ≳ 3.7
    "struggling": ("halden-vantage", "fenwick-crossway", "ashby-corelink"),
    "healthy": ("lindenfield-oakmont", "thornbury-helix", "redwater-stratus"),
    # client rates the supplier ~1.5 levels lower than the supplier rates itself, on these mirror pairs
    # (and on their Dissolve descendants D-…)
    "mirror_gaps": {
        "harbourside-northwind": (("RSP-02C", "RSP-02S"), ("DEL-01C", "DEL-01S")),
        "st-aldric-medserve": (("COM-02C", "COM-02S"), ("INN-01C", "INN-01S")),
    },
    "mirror_gap_size": 1.5,
    # senior leaders of both parties split into two camps: half rate 1–2, half 4–5
    "polarised": {
        "relationship_id": "kestrel-ironbridge",
        "common_level": S,
        "code_ids": ("R-COM", "COM-01", "COM-03", "GOV-03"),
    },
    # middle management of both parties agree, low (mostly level 2)
    "consensus": {
        "relationship_id": "meridian-atlas",
        "common_level": M,
        "code_ids": ("R-RSP", "RSP-01", "RSP-03", "CMM-02"),
    },
    # high importance, low performance: a priority
    "priority": {"relationship_id": "pinecrest-clearview", "thing_that_matters": "delivery"},
    # a group below the anonymity threshold in every cycle: 4 invited, exactly 3 respond
    "small_group": {
        "relationship_id": "quarry-lane-brightfm",
        "party_id": "brightfm",
        "common_level": S,
        "invited": 4,
        "responded": 3,
    },
    # a new candidate Thing That Matters surfaced in Resolve comments: none of the Things That Matter Resolve asks
    # about (the template measures continuity of key people, PPL-03 under "people", only from Solve on)
    "theme": {
        "name": "staff turnover, handover and onboarding",
        "pattern": r"(?i)hand ?over|onboard|new (?:starter|joiner)s?|induction|turnover",
        # (cycle, subject, how many comments)
        "placements": {
            "harbourside-northwind": (("resolve", "oq-missing", 13), ("solve", "oq-change-one-thing", 4)),
            "quarry-lane-brightfm": (("resolve", "oq-missing", 12),),
        },
    },
    "where_to_start": "halden-vantage",
}
