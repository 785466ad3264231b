"""The demo companies: 株式会社みらい製作所 (a manufacturer of about 1,500 people) and a small
second company that shows tenant isolation.

Each unit of the department tree has a code, a head (本部長, 部長, 課長 or 室長), and, when it is
a team, a number of staff spread over locations by weight.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ouendan.accounts.roles import Role

DEMO_SLUG = "demo"
DEMO_NAME = "株式会社みらい製作所"
OTHER_SLUG = "other"
OTHER_NAME = "株式会社アザー商事"
# Public: printed by `make demo`, usable only where demo mode created the accounts.
DEMO_PASSWORD = "ouendan-demo"  # noqa: S105
RANDOM_SEED = 20261122

LOCATIONS: tuple[tuple[str, str], ...] = (
    ("TKY", "東京本社"),
    ("OSA", "大阪支社"),
    ("NGO", "名古屋工場"),
)

TOKYO = {"TKY": 1.0}
OSAKA = {"OSA": 1.0}
NAGOYA = {"NGO": 1.0}
FACTORY = {"NGO": 0.97, "TKY": 0.03}


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    head: str  # the head's title
    staff: int = 0  # people below the head, in this unit itself
    locations: dict[str, float] = field(default_factory=lambda: dict(TOKYO))
    children: tuple[Unit, ...] = ()
    # Share of men among generated staff (manufacturing floors lean heavily male).
    male_share: float = 0.55
    # Share of staff who opted in as advocates.
    advocate_share: float = 0.3


def _team(code: str, name: str, staff: int, **kwargs: object) -> Unit:
    head = "室長" if name.endswith("室") else "課長"
    return Unit(code=code, name=name, head=head, staff=staff, **kwargs)  # type: ignore[arg-type]


DEPARTMENTS: tuple[Unit, ...] = (
    Unit(
        "PR",
        "広報",
        "部長",
        advocate_share=0.8,
        children=(
            _team("PR01", "広報課", 9, advocate_share=0.8),
            _team("PR02", "ブランドコミュニケーション課", 7, advocate_share=0.8),
        ),
    ),
    Unit(
        "HR",
        "人事",
        "部長",
        children=(
            _team("HR01", "人事企画課", 8, advocate_share=0.5),
            _team("HR02", "採用課", 9, advocate_share=0.7),
            _team("HR03", "労務課", 10, locations={"TKY": 0.6, "NGO": 0.4}, advocate_share=0.4),
            _team("HR04", "人材開発課", 6, advocate_share=0.5),
        ),
    ),
    Unit(
        "SL",
        "営業",
        "本部長",
        children=(
            Unit(
                "SL10",
                "東日本営業部",
                "部長",
                children=(
                    _team("SL11", "第一営業課", 48, male_share=0.7, advocate_share=0.45),
                    _team("SL12", "第二営業課", 46, male_share=0.7, advocate_share=0.45),
                    _team("SL13", "第三営業課", 24, male_share=0.7, advocate_share=0.45),
                ),
            ),
            Unit(
                "SL20",
                "西日本営業部",
                "部長",
                locations=dict(OSAKA),
                children=(
                    _team(
                        "SL21",
                        "第一営業課",
                        45,
                        locations=dict(OSAKA),
                        male_share=0.7,
                        advocate_share=0.45,
                    ),
                    _team(
                        "SL22",
                        "第二営業課",
                        42,
                        locations=dict(OSAKA),
                        male_share=0.7,
                        advocate_share=0.45,
                    ),
                ),
            ),
            Unit(
                "SL30",
                "中部営業部",
                "部長",
                locations=dict(NAGOYA),
                children=(
                    _team(
                        "SL31",
                        "営業課",
                        26,
                        locations=dict(NAGOYA),
                        male_share=0.7,
                        advocate_share=0.4,
                    ),
                ),
            ),
            Unit(
                "SL40",
                "海外営業部",
                "部長",
                children=(
                    _team("SL41", "アジア営業課", 14, advocate_share=0.4),
                    _team("SL42", "欧米営業課", 10, advocate_share=0.4),
                ),
            ),
            Unit(
                "SL50",
                "営業企画部",
                "部長",
                children=(_team("SL51", "営業企画課", 10, advocate_share=0.6),),
            ),
        ),
    ),
    Unit(
        "RD",
        "開発",
        "本部長",
        children=(
            Unit(
                "RD10",
                "設計部",
                "部長",
                children=(
                    _team(
                        "RD11", "機械設計課", 66, locations={"TKY": 0.6, "NGO": 0.4}, male_share=0.8
                    ),
                    _team(
                        "RD12", "電気設計課", 58, locations={"TKY": 0.6, "NGO": 0.4}, male_share=0.8
                    ),
                    _team("RD13", "ソフトウェア設計課", 62, male_share=0.75),
                ),
            ),
            Unit(
                "RD20",
                "生産技術部",
                "部長",
                locations=dict(NAGOYA),
                children=(
                    _team(
                        "RD21",
                        "生産技術課",
                        58,
                        locations={"NGO": 0.9, "TKY": 0.1},
                        male_share=0.85,
                        advocate_share=0.25,
                    ),
                    _team(
                        "RD22",
                        "設備技術課",
                        50,
                        locations=dict(NAGOYA),
                        male_share=0.9,
                        advocate_share=0.25,
                    ),
                ),
            ),
            Unit(
                "RD30",
                "研究開発部",
                "部長",
                children=(
                    _team("RD31", "材料研究課", 20, male_share=0.7),
                    _team("RD32", "先行開発課", 22, male_share=0.75),
                ),
            ),
        ),
    ),
    Unit(
        "MF",
        "製造",
        "本部長",
        locations=dict(NAGOYA),
        children=(
            _team(
                "MF01",
                "第一製造課",
                150,
                locations=dict(FACTORY),
                male_share=0.85,
                advocate_share=0.2,
            ),
            _team(
                "MF02",
                "第二製造課",
                140,
                locations=dict(FACTORY),
                male_share=0.85,
                advocate_share=0.2,
            ),
            _team(
                "MF03",
                "第三製造課",
                130,
                locations=dict(FACTORY),
                male_share=0.85,
                advocate_share=0.2,
            ),
            _team(
                "MF04",
                "第四製造課",
                110,
                locations=dict(FACTORY),
                male_share=0.85,
                advocate_share=0.2,
            ),
            _team(
                "MF05",
                "製造管理課",
                48,
                locations=dict(FACTORY),
                male_share=0.7,
                advocate_share=0.25,
            ),
            Unit(
                "MF10",
                "品質保証部",
                "部長",
                locations=dict(NAGOYA),
                children=(
                    _team(
                        "MF11",
                        "品質管理課",
                        65,
                        locations=dict(FACTORY),
                        male_share=0.75,
                        advocate_share=0.2,
                    ),
                    _team(
                        "MF12",
                        "品質保証課",
                        30,
                        locations=dict(FACTORY),
                        male_share=0.7,
                        advocate_share=0.25,
                    ),
                ),
            ),
            Unit(
                "MF20",
                "生産管理部",
                "部長",
                locations=dict(NAGOYA),
                children=(
                    _team(
                        "MF21",
                        "生産計画課",
                        28,
                        locations=dict(NAGOYA),
                        male_share=0.65,
                        advocate_share=0.25,
                    ),
                    _team(
                        "MF22",
                        "資材調達課",
                        26,
                        locations={"NGO": 0.7, "TKY": 0.3},
                        male_share=0.6,
                        advocate_share=0.25,
                    ),
                ),
            ),
        ),
    ),
    Unit(
        "LG",
        "法務",
        "部長",
        children=(
            _team("LG01", "法務課", 8, advocate_share=0.25),
            _team("LG02", "知的財産課", 7, advocate_share=0.25),
            _team("LG03", "コンプライアンス推進室", 5, advocate_share=0.25),
        ),
    ),
    Unit(
        "IT",
        "情報システム",
        "部長",
        children=(
            _team(
                "IT01",
                "インフラ課",
                12,
                locations={"TKY": 0.75, "NGO": 0.25},
                male_share=0.75,
                advocate_share=0.35,
            ),
            _team("IT02", "業務システム課", 14, male_share=0.7, advocate_share=0.35),
            _team("IT03", "情報セキュリティ室", 5, male_share=0.7, advocate_share=0.3),
        ),
    ),
    Unit(
        "CP",
        "経営企画",
        "取締役",
        children=(_team("CP01", "経営企画室", 8, advocate_share=0.4),),
    ),
)

# Heads with these titles manage people; the 本部長 (執行役員) also read the executive reports.
MANAGER_TITLES = frozenset({"本部長", "部長", "課長", "室長"})
EXECUTIVE_TITLES = frozenset({"本部長", "取締役"})


@dataclass(frozen=True)
class SignIn:
    """One of the demo's sign-in accounts: it takes the place of a generated person."""

    email: str
    surname: tuple[str, str]
    given: tuple[str, str]
    department: str  # unit code
    title: str
    roles: tuple[Role, ...]


# PUBLIC CONTRACT: these addresses, with DEMO_PASSWORD, are printed by `make demo` and in README.
SIGN_INS: tuple[SignIn, ...] = (
    SignIn(
        "admin@demo.example",
        ("高橋", "タカハシ"),
        ("誠", "マコト"),
        "IT01",
        "課長",
        (Role.ORG_ADMIN,),
    ),
    SignIn(
        "pr@demo.example",
        ("中村", "ナカムラ"),
        ("美咲", "ミサキ"),
        "PR01",
        "課長",
        (Role.PROGRAM_MANAGER,),
    ),
    SignIn(
        "curator@demo.example",
        ("小林", "コバヤシ"),
        ("陽菜", "ヒナ"),
        "PR02",
        "主任",
        (Role.CURATOR,),
    ),
    SignIn(
        "legal@demo.example",
        ("山本", "ヤマモト"),
        ("剛", "ツヨシ"),
        "LG01",
        "課長",
        (Role.REVIEWER,),
    ),
    SignIn(
        "manager@demo.example",
        ("伊藤", "イトウ"),
        ("浩二", "コウジ"),
        "SL10",
        "部長",
        (Role.MANAGER,),
    ),
    SignIn(
        "advocate@demo.example",
        ("渡辺", "ワタナベ"),
        ("翔太", "ショウタ"),
        "SL11",
        "担当",
        (Role.ADVOCATE,),
    ),
    SignIn(
        "exec@demo.example",
        ("鈴木", "スズキ"),
        ("一郎", "イチロウ"),
        "CP",
        "取締役",
        (Role.EXECUTIVE_VIEWER,),
    ),
)

OTHER_DEPARTMENTS: tuple[Unit, ...] = (
    Unit("GA", "総務部", "部長", staff=3, locations={"HQ": 1.0}),
    Unit("SL", "営業部", "部長", staff=5, locations={"HQ": 1.0}, advocate_share=0.5),
)
OTHER_LOCATIONS: tuple[tuple[str, str], ...] = (("HQ", "本社"),)
OTHER_SIGN_INS: tuple[SignIn, ...] = (
    SignIn(
        "admin@other.example",
        ("田中", "タナカ"),
        ("健一", "ケンイチ"),
        "GA",
        "部長",
        (Role.ORG_ADMIN,),
    ),
)
