"""Every party keeps its own words for levels and functions; these are the sample's title sets.

Each entry is (local title, common level or function, weight): the weight says how often the title is drawn
among the people of that common level (or among all people, for functions).
"""

from __future__ import annotations

from ..schemas import COMMON_LEVELS

S, M, F = COMMON_LEVELS

CLIENT_COUNCIL = (
    ("Executive Director", S, 1.0),
    ("Head of Service", M, 0.4),
    ("Team Manager", M, 0.6),
    ("Officer", F, 0.7),
    ("Assistant", F, 0.3),
)
CLIENT_CORPORATE = (
    ("Director", S, 1.0),
    ("Head of", M, 0.45),
    ("Manager", M, 0.55),
    ("Officer", F, 0.6),
    ("Analyst", F, 0.4),
)
CLIENT_RETAIL = (
    ("Director", S, 1.0),
    ("Regional Manager", M, 0.4),
    ("Store Manager", M, 0.6),
    ("Store Colleague", F, 0.75),
    ("Planner", F, 0.25),
)
CLIENT_HEALTH = (
    ("Executive Director", S, 0.5),
    ("Clinical Director", S, 0.5),
    ("General Manager", M, 0.5),
    ("Ward Manager", M, 0.5),
    ("Nurse", F, 0.6),
    ("Administrator", F, 0.4),
)
CLIENT_INFRA = (
    ("Programme Director", S, 1.0),
    ("Project Manager", M, 0.6),
    ("Package Manager", M, 0.4),
    ("Engineer", F, 0.6),
    ("Site Inspector", F, 0.4),
)
CLIENT_CAMPUS = (
    ("Director", S, 1.0),
    ("Head of Department", M, 0.5),
    ("Building Manager", M, 0.5),
    ("Administrator", F, 0.5),
    ("Technician", F, 0.5),
)
SUPPLIER_SERVICES = (
    ("Account Director", S, 1.0),
    ("Service Manager", M, 0.55),
    ("Team Leader", M, 0.45),
    ("Analyst", F, 0.4),
    ("Adviser", F, 0.6),
)
SUPPLIER_FM = (
    ("Contract Director", S, 1.0),
    ("Contract Manager", M, 0.45),
    ("Supervisor", M, 0.55),
    ("Operative", F, 0.7),
    ("Helpdesk Coordinator", F, 0.3),
)
SUPPLIER_IT = (
    ("Client Partner", S, 1.0),
    ("Service Delivery Manager", M, 0.5),
    ("Technical Lead", M, 0.5),
    ("Engineer", F, 0.6),
    ("Service Desk Agent", F, 0.4),
)
SUPPLIER_LOGISTICS = (
    ("Regional Director", S, 1.0),
    ("Depot Manager", M, 0.45),
    ("Shift Supervisor", M, 0.55),
    ("Driver", F, 0.5),
    ("Warehouse Operative", F, 0.5),
)
SUPPLIER_BUILD = (
    ("Operations Director", S, 1.0),
    ("Project Manager", M, 0.5),
    ("Site Manager", M, 0.5),
    ("Site Engineer", F, 0.4),
    ("Operative", F, 0.6),
)
SUPPLIER_CARE = (
    ("Managing Director", S, 1.0),
    ("Operations Manager", M, 0.5),
    ("Team Leader", M, 0.5),
    ("Support Worker", F, 0.7),
    ("Coordinator", F, 0.3),
)

FN_CLIENT_PUBLIC = (
    ("Commissioning", "commercial", 0.12),
    ("Finance", "finance", 0.08),
    ("Digital", "technology", 0.12),
    ("Service Delivery", "service_delivery", 0.4),
    ("Operations", "operations", 0.28),
)
FN_CLIENT_CORPORATE = (
    ("Procurement", "commercial", 0.06),
    ("Contract Management", "commercial", 0.06),
    ("Finance", "finance", 0.1),
    ("IT", "technology", 0.18),
    ("Customer Services", "service_delivery", 0.35),
    ("Operations", "operations", 0.25),
)
FN_CLIENT_HEALTH = (
    ("Contracts", "commercial", 0.1),
    ("Finance", "finance", 0.08),
    ("Informatics", "technology", 0.1),
    ("Clinical Services", "service_delivery", 0.47),
    ("Estates and Facilities", "operations", 0.25),
)
FN_CLIENT_INFRA = (
    ("Commercial", "commercial", 0.14),
    ("Finance", "finance", 0.08),
    ("Engineering", "technology", 0.25),
    ("Delivery", "service_delivery", 0.28),
    ("Operations", "operations", 0.25),
)
FN_SUPPLIER = (
    ("Commercial", "commercial", 0.1),
    ("Finance", "finance", 0.07),
    ("Technical", "technology", 0.15),
    ("Service Operations", "service_delivery", 0.43),
    ("Field Operations", "operations", 0.25),
)
FN_SUPPLIER_IT = (
    ("Commercial", "commercial", 0.08),
    ("Finance", "finance", 0.05),
    ("Infrastructure", "technology", 0.3),
    ("Service Desk", "service_delivery", 0.37),
    ("Service Operations", "operations", 0.2),
)
