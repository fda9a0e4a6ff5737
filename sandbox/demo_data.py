"""Fixed word lists and record specs that the demo seed draws from."""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "COMPANIES",
    "COMPANY_DEFINITIONS",
    "COMPANY_TAGS",
    "CONTACT_DEFINITIONS",
    "CONTACT_TAGS",
    "FIRST_NAMES",
    "INTERESTS",
    "LAST_NAMES",
    "NICKNAMES",
    "OTHER_COMPANIES",
    "OTHER_COMPANY_DEFINITIONS",
    "OTHER_CONTACT_DEFINITIONS",
    "SOURCES",
    "TITLES",
    "CompanySpec",
    "DefinitionSpec",
]


class CompanySpec(NamedTuple):
    name: str
    domain: str | None
    industry: str | None
    size: str | None


class DefinitionSpec(NamedTuple):
    name: str
    slug: str
    field_type: str
    options: tuple[str, ...] | None = None
    description: str | None = None


FIRST_NAMES = (
    "Mara", "Jonas", "Priya", "Tomasz", "Aiko", "Lena", "Omar", "Grace",
    "Mateo", "Sofia", "Kwame", "Ingrid", "Ravi", "Chloé", "Emil", "Zoë",
    "Hannah", "Diego", "Freya", "Yusuf", "Nora", "Felix", "Amara", "Leon",
    "Isabel", "Tariq", "Elena", "Oskar", "Mei", "Samuel", "Renée", "José",
    "Clara", "Niko", "Asha", "Lukas", "Fatima", "Henrik", "Julia", "Bruno",
)  # fmt: skip

LAST_NAMES = (
    "Lindqvist", "Okafor", "Sharma", "Nowak", "Tanaka", "Becker", "Haddad",
    "O'Neill", "García", "Rossi", "Mensah", "Berg", "Iyer", "Dubois",
    "Novak", "Müller", "Kowalski", "Fernández", "Andersen", "Demir",
    "Walsh", "Schmidt", "Nwosu", "Lehmann", "Costa", "Rahman", "Petrova",
    "Ahlberg", "Chen", "Adeyemi", "Lefèvre", "Núñez", "van Dijk", "Singh",
    "Moreau", "Keller", "Hassan", "Nilsson", "Moretti", "Brennan",
)  # fmt: skip

TITLES = (
    "Head of Operations", "Account Executive", "CTO", "Procurement Lead",
    "Marketing Manager", "Founder", "VP Sales", "Data Analyst",
    "Customer Success Manager", "Office Manager",
)  # fmt: skip

SOURCES = ("website", "api", "hubspot", "import", "referral", "event")

CONTACT_TAGS = ("vip", "newsletter", "churn-risk", "partner", "beta", "Lead")

COMPANY_TAGS = ("prospect", "customer", "partner", "strategic", "churned")

NICKNAMES = ("Mo", "Jo", "Sunny", "Doc", "Pip", "Rae", "Kit", "Bee")

INTERESTS = ("analytics", "automation", "integrations", "security", "support")

COMPANIES = (
    CompanySpec("Harbor Freightworks", "harborfw.test", "Logistics", "11-50"),
    CompanySpec("Northwind Traders", "northwind.test", "Retail", "201-500"),
    CompanySpec("Bluefin Analytics", "bluefin.test", "Software", "51-200"),
    CompanySpec("Copperleaf Foods", "copperleaf.test", "Food & Beverage", "501-1000"),
    CompanySpec("Granite Peak Health", "granitepeak.test", "Healthcare", "1000+"),
    CompanySpec("Lumen Solar", "lumensolar.test", "Energy", "51-200"),
    CompanySpec("Quillstone Legal", "quillstone.test", "Legal", "11-50"),
    CompanySpec("Redwood Robotics", "redwoodrobotics.test", "Manufacturing", "201-500"),
    CompanySpec("Saffron Studio", "saffron.test", "Design", "1-10"),
    CompanySpec("Tidewater Bank", "tidewater.test", "Finance", "1000+"),
    CompanySpec("Orbit Education", "orbitedu.test", "Education", "51-200"),
    CompanySpec("Pinecrest Hotels", "pinecrest.test", "Hospitality", "501-1000"),
    CompanySpec("Vantage Security", "vantagesec.test", "Software", "201-500"),
    CompanySpec("Willow & Finch", "willowfinch.test", "Retail", "11-50"),
    CompanySpec("Ember Games", "embergames.test", "Entertainment", "51-200"),
    CompanySpec("Atlas Mobility", "atlasmobility.test", "Automotive", "1000+"),
    CompanySpec("Cobalt Cloud", "cobaltcloud.test", "Software", "51-200"),
    CompanySpec("Meridian Insurance", "meridian.test", "Finance", "501-1000"),
    CompanySpec("Fjord Outfitters", "fjord.test", "Retail", "1-10"),
    CompanySpec("Kestrel Aerospace", "kestrel.test", "Manufacturing", "201-500"),
    CompanySpec("Nimbus Media", "nimbusmedia.test", "Media", "11-50"),
    CompanySpec("Oakhaven Farms", "oakhaven.test", "Agriculture", "51-200"),
    CompanySpec("Stealth Startup", None, None, "1-10"),
    CompanySpec("Acme Holdings", None, "Finance", None),
)

CONTACT_DEFINITIONS = (
    DefinitionSpec("Nickname", "nickname", "text"),
    DefinitionSpec(
        "Lead score", "lead_score", "number", description="0-100, higher is warmer"
    ),
    DefinitionSpec("Newsletter opt-in", "newsletter_opt_in", "boolean"),
    DefinitionSpec("Last contacted", "last_contacted", "date"),
    DefinitionSpec("Tier", "tier", "select", ("bronze", "silver", "gold", "platinum")),
    DefinitionSpec("Interests", "interests", "multi_select", INTERESTS),
    DefinitionSpec("LinkedIn", "linkedin", "url", description="Profile URL"),
    DefinitionSpec("Assistant email", "assistant_email", "email"),
    DefinitionSpec("Mobile", "mobile", "phone"),
)

COMPANY_DEFINITIONS = (
    DefinitionSpec("Segment", "segment", "select", ("smb", "mid_market", "enterprise")),
    DefinitionSpec("Annual revenue", "annual_revenue", "number", description="In EUR"),
)

# The second workspace: a company name and a slug shared with the demo
# workspace, with different data, to show that workspaces are isolated.
OTHER_COMPANIES = (
    CompanySpec("Harbor Freightworks", "harborfw.test", "Shipping", "1-10"),
    CompanySpec("Lakeside Bakery", "lakeside.test", "Food & Beverage", "1-10"),
    CompanySpec("Parallax Labs", "parallax.test", "Software", "11-50"),
)

OTHER_CONTACT_DEFINITIONS = (
    DefinitionSpec("Tier", "tier", "select", ("free", "paid")),
)

OTHER_COMPANY_DEFINITIONS = (DefinitionSpec("Region", "region", "text"),)
