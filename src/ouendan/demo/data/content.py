"""The demo company's content library: topics, two campaigns, 60+ items in every state of the
lifecycle, and the press releases its offline feed serves.

Dates are offsets in days from the day the demo is seeded (negative: in the past), so the library
always looks current. Department codes are those of ``organization.DEPARTMENTS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoTopic:
    key: str
    name: str
    description: str


@dataclass(frozen=True)
class DemoCampaign:
    key: str
    name: str
    description: str
    starts_in_days: int  # first day, relative to the seed day
    ends_in_days: int  # last day
    goal: str  # in words, e.g. "エントリー200名"
    goal_target: int | None = None


@dataclass(frozen=True)
class DemoVariant:
    network: str  # "" (every network), "x", "linkedin", "facebook", "instagram", "threads",
    # "bluesky", "mastodon", "line"
    text: str
    hashtags: tuple[str, ...] = ()  # without the leading "#"


@dataclass(frozen=True)
class DemoContent:
    key: str  # unique slug, ASCII, e.g. "shinsotsu-setsumeikai-2027"
    topics: tuple[str, ...]  # DemoTopic keys
    title: str
    url: str  # https://www.mirai-seisakusho.example/...
    summary: str
    note: str  # "why this matters" for advocates
    # draft, in_review, approved, scheduled, published, expired, archived
    status: str
    publish_in_days: int | None = None  # publish_at relative to the seed day
    expire_in_days: int | None = None  # expire_at relative to the seed day
    promotional: bool = False
    campaign: str | None = None  # DemoCampaign key
    featured: bool = False
    pinned: bool = False
    departments: tuple[str, ...] = ()  # audience by department code; empty = everyone
    locations: tuple[str, ...] = ()  # audience by location code (TKY, OSA, NGO)
    languages: tuple[str, ...] = ()  # audience by language ("ja", "en")
    variants: tuple[DemoVariant, ...] = field(default=())


@dataclass(frozen=True)
class DemoFeedEntry:
    guid: str
    title: str
    url: str
    summary: str
    published_days_ago: float  # entries "appear" in the feed once this much time has passed


TOPICS: tuple[DemoTopic, ...] = (
    DemoTopic(
        "saiyo",
        "採用",
        (
            "新卒・キャリア採用の説明会やインターンシップ、社員インタビューなど、"
            "一緒に働く仲間を増やすための情報です。"
        ),
    ),
    DemoTopic(
        "seihin",
        "製品",
        (
            "ミライアーム、ハコブ、ミルメなど、新製品の発表や導入事例、"
            "製品に関するお知らせをお届けします。"
        ),
    ),
    DemoTopic(
        "tech",
        "技術ブログ",
        "開発本部や製造本部のエンジニアが書く技術ブログと、勉強会・OSSの話題を集めています。",
    ),
    DemoTopic(
        "csr",
        "CSR",
        (
            "植樹や地域清掃、環境への取り組み、働きやすさを支える制度など、"
            "社会とのつながりを伝える活動です。"
        ),
    ),
    DemoTopic(
        "event",
        "イベント",
        (
            "展示会、ウェビナー、工場見学、オープンファクトリーなど、"
            "社外の方に参加していただけるイベントの告知です。"
        ),
    ),
)

CAMPAIGNS: tuple[DemoCampaign, ...] = (
    DemoCampaign(
        key="shinsotsu-2027",
        name="2027年度 新卒採用（エンジニア職）",
        description=(
            "2027年卒のエンジニア職採用に向けて、説明会や仕事体験、"
            "社員インタビューを学生の皆さんに届けるキャンペーンです。"
            "母校の後輩やご家族へのひと言が、エントリーの後押しになります。"
        ),
        starts_in_days=-30,
        ends_in_days=120,
        goal="エントリー200名",
        goal_target=200,
    ),
    DemoCampaign(
        key="x1-launch",
        name="ミライアーム X1 発売キャンペーン",
        description=(
            "新しい協働ロボットアーム「ミライアーム X1」の発売にあわせて、製品情報や実機デモ、"
            "展示会の案内を広めるキャンペーンです。"
        ),
        starts_in_days=-10,
        ends_in_days=50,
        goal="製品ページへの訪問 5,000件",
        goal_target=5000,
    ),
)

# Statuses: draft 10, in_review 8, approved 4, scheduled 6, published 28, expired 6, archived 4.
# Promotional items promote a product, a service or a sales event; their texts say openly that the
# writer works at みらい製作所 (the "#PR" disclosure is added automatically when posting).
# Two texts are deliberately risky, for the compliance checks to catch: 「業界No.1の精度」 in the
# draft "x1-case-study-food", and the internal code name 「プロジェクト銀河」 in the draft
# "tech-realtime-linux". No other text makes absolute claims or leaks internal names.
CONTENT: tuple[DemoContent, ...] = (
    # 採用: campaign shinsotsu-2027 (2027年卒 engineering graduates), then career hiring.
    DemoContent(
        key="shinsotsu-setsumeikai-2027",
        topics=("saiyo", "event"),
        title="【2027年卒】エンジニア職 新卒採用説明会をオンラインで開催します（2月・3月）",
        url="https://recruit.mirai-seisakusho.example/shinsotsu/2027/seminar/",
        summary=(
            "機械設計・電気設計・ソフトウェア設計・生産技術の各職種を対象に、"
            "オンライン会社説明会を2月・3月に計6回開催します。"
            "前半は現場のエンジニアが仕事内容を紹介し、後半は少人数の座談会で質問にお答えします。"
        ),
        note=(
            "研究室やサークルの後輩に届けてください。現場のエンジニアが直接話す回なので、"
            "社員からの紹介がいちばんの後押しになります。"
        ),
        status="published",
        publish_in_days=-25,
        expire_in_days=45,
        featured=True,
        campaign="shinsotsu-2027",
        variants=(
            DemoVariant(
                "",
                (
                    "2027年卒の学生さん向けに、エンジニア職のオンライン説明会が始まります。"
                    "後半は現場の社員と少人数で話せる座談会です。"
                    "ロボットや工場の自動化に興味がある方、気軽にのぞいてみてください。"
                ),
                ("みらい製作所", "新卒採用", "27卒"),
            ),
            DemoVariant(
                "x",
                (
                    "エンジニア職の会社説明会、オンラインで2月・3月にやります。"
                    "私も座談会に出る予定です。「ロボットの設計ってどんな仕事？」"
                    "を聞きに来てください"
                ),
                ("27卒", "新卒採用"),
            ),
            DemoVariant(
                "x",
                (
                    "27卒のみなさん、ロボットメーカーの仕事に興味があれば説明会にどうぞ。"
                    "カメラオフでも参加できて、質問は座談会でゆっくり聞けます。"
                ),
                ("27卒",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "私が働くみらい製作所で、"
                    "2027年卒のエンジニア職向けオンライン説明会を開催します。機械・電気・"
                    "ソフトウェア設計、生産技術の社員が、それぞれの仕事を具体的にお話しします。"
                    "就職活動中のご家族や、研究室の後輩がいらっしゃる方は、"
                    "ぜひ教えてあげてください。"
                ),
                ("新卒採用", "エンジニア採用"),
            ),
            DemoVariant(
                "line",
                (
                    "うちの会社の説明会、オンラインで参加できるよ。"
                    "ロボットの仕事に興味ありそうな子がいたら教えてあげてね"
                ),
            ),
        ),
    ),
    DemoContent(
        key="shinsotsu-entry-open-2027",
        topics=("saiyo",),
        title="2027年度 新卒採用のエントリー受付を開始しました",
        url="https://recruit.mirai-seisakusho.example/shinsotsu/2027/entry/",
        summary=(
            "2027年3月に卒業・修了予定の方を対象に、"
            "技術職と事務系総合職のエントリー受付を開始しました。募集職種、選考の流れ、"
            "勤務地などの詳細は採用サイトでご確認いただけます。"
        ),
        note=(
            "キャンペーンの起点になるページです。エントリー数がそのまま目標の進み具合になるので、"
            "まずはこのページから広めてください。"
        ),
        status="published",
        publish_in_days=-30,
        pinned=True,
        campaign="shinsotsu-2027",
        variants=(
            DemoVariant(
                "",
                (
                    "みらい製作所の2027年度新卒採用、エントリー受付が始まりました。技術職は東京・"
                    "名古屋、事務系は東京・大阪での勤務です。"
                    "ものづくりに関わりたい学生さんに届いてほしいです。"
                ),
                ("みらい製作所", "新卒採用"),
            ),
            DemoVariant(
                "x",
                (
                    "今年も新卒採用のエントリーが始まりました！"
                    "自分が就活していた頃を思い出します。ロボットを作る側の仕事、面白いですよ。"
                ),
                ("27卒", "就活"),
            ),
            DemoVariant(
                "linkedin",
                (
                    "みらい製作所では、2027年度の新卒採用エントリー受付を開始しました。"
                    "産業用ロボットやAGV、画像検査システムの設計・"
                    "生産に携わる技術職を中心に募集しています。入社して感じるのは、"
                    "若手のうちから実機に触れ、"
                    "お客様の工場で自分の設計が動くのを見られる面白さです。"
                    "周りに就職活動中の方がいれば、ぜひ紹介してください。"
                ),
                ("新卒採用", "ものづくり"),
            ),
            DemoVariant(
                "instagram",
                (
                    "2027年度 新卒採用スタート🤖\n\nロボットアーム、AGV、画像検査。\n"
                    "工場の「自動化」をつくる仕事です。\n\n募集職種と説明会の日程は採用サイトで。"
                ),
                ("みらい製作所", "新卒採用", "27卒"),
            ),
            DemoVariant(
                "facebook",
                (
                    "勤務先の新卒採用が始まりました。親戚や知り合いのお子さんで、"
                    "理系の就職先を探している方がいらっしゃったら、"
                    "ぜひこのページを見せてあげてください。"
                ),
            ),
            DemoVariant(
                "line",
                (
                    "会社の新卒採用が始まったよ。"
                    "就活中の知り合いがいたらシェアしてもらえるとうれしいです"
                ),
            ),
        ),
    ),
    DemoContent(
        key="senpai-interview-rd13",
        topics=("saiyo", "tech"),
        title=(
            "「入社2年目、ROS 2でロボットを動かしています」ソフトウェア設計課 "
            "若手エンジニアインタビュー"
        ),
        url="https://recruit.mirai-seisakusho.example/shinsotsu/2027/people/software-engineer/",
        summary=(
            "ソフトウェア設計課で協働ロボットの動作計画を担当する入社2年目の社員に、"
            "大学での研究とのつながりや、配属後に任された仕事、チームの雰囲気を聞きました。"
        ),
        note=(
            "情報系の学生さんは「ロボットメーカーにソフトの仕事があるの？」と思いがちです。"
            "ソフトウェア職の方から広めてもらえると説得力が増します。"
        ),
        status="published",
        publish_in_days=-18,
        campaign="shinsotsu-2027",
        variants=(
            DemoVariant(
                "",
                (
                    "ソフトウェア設計課の後輩がインタビューに答えています。"
                    "大学の研究とロボット開発がどうつながるのか、"
                    "とてもわかりやすく話してくれました。情報系の学生さんにぜひ読んでほしいです。"
                ),
                ("ROS2", "新卒採用"),
            ),
            DemoVariant(
                "x",
                (
                    "同じ課の後輩のインタビューが公開されました。"
                    "入社2年目でもう実機の動作計画を任されています。情報系の学生さん、"
                    "ロボット開発も選択肢にどうぞ"
                ),
                ("ROS2", "27卒"),
            ),
            DemoVariant(
                "x",
                (
                    "ロボットメーカーのソフトウェアエンジニアって何をしてるの？"
                    "にちょうどいい記事です。チームの雰囲気もそのまま出ていて、"
                    "読んでいて少し照れました"
                ),
            ),
            DemoVariant(
                "linkedin",
                (
                    "私が所属するソフトウェア設計課の若手メンバーが、"
                    "採用サイトのインタビューに登場しました。ROS 2を使った動作計画の開発を、"
                    "入社2年目から実機で担当しています。"
                    "ロボットのソフトウェアに関心のある情報系の学生さんに、"
                    "私たちの仕事の実際を知っていただけたらうれしいです。"
                ),
                ("ソフトウェアエンジニア", "ROS2"),
            ),
            DemoVariant(
                "threads",
                (
                    "後輩のインタビュー記事、いい内容だったので共有します。"
                    "「研究で書いていたコードが、工場で動くロボットにつながる」"
                    "という一言が印象的でした"
                ),
            ),
        ),
    ),
    DemoContent(
        key="shinsotsu-1day-nagoya",
        topics=("saiyo", "event"),
        title="【27卒対象】1day仕事体験：名古屋工場でロボットアームの組立・調整を体験しよう",
        url="https://recruit.mirai-seisakusho.example/shinsotsu/2027/internship/1day-nagoya/",
        summary=(
            "名古屋工場の製造ラインを見学したあと、"
            "生産技術の社員と一緒にロボットアームの組立と動作調整を体験していただく1日プログラム"
            "です。交通費は当社規定により支給します。"
        ),
        note=(
            "工場に来てもらえると、社風がよく伝わります。名古屋近郊の学生さんに届くよう、"
            "中部エリアの知り合いにもぜひ。"
        ),
        status="published",
        publish_in_days=-12,
        expire_in_days=20,
        campaign="shinsotsu-2027",
        variants=(
            DemoVariant(
                "",
                (
                    "名古屋工場で1日仕事体験を開催します。ラインを見学して、"
                    "実際にロボットアームを組み立てて動かしてみるプログラムです。"
                    "作業着も貸し出すので手ぶらで来てください。"
                ),
                ("仕事体験", "27卒"),
            ),
            DemoVariant(
                "x",
                (
                    "名古屋工場の1day仕事体験、今年はロボットアームの組立までやってもらいます。"
                    "私も生産技術のメンバーとしてサポートに入ります"
                ),
                ("27卒", "名古屋"),
            ),
            DemoVariant(
                "linkedin",
                (
                    "名古屋工場で、2027年卒の学生さんを対象にした1日仕事体験を開催します。"
                    "製造ラインの見学に加えて、"
                    "生産技術の社員と一緒にロボットアームの組立と調整を体験していただきます。"
                    "図面の上だけではわからない「ものをつくる仕事」"
                    "の手触りを感じてもらえる内容です。"
                ),
                ("仕事体験",),
            ),
            DemoVariant(
                "line",
                (
                    "名古屋の工場で学生さん向けの仕事体験をやります。"
                    "東海エリアで就活してる子がいたら教えてあげて！"
                ),
            ),
        ),
    ),
    DemoContent(
        key="kosen-factory-tour",
        topics=("saiyo", "event"),
        title="高専生のための工場見学・座談会を開催します",
        url="https://recruit.mirai-seisakusho.example/shinsotsu/2027/events/kosen-tour/",
        summary=(
            "高等専門学校の本科・専攻科に在籍する方を対象に、"
            "名古屋工場の見学と高専出身社員との座談会を行います。"
            "配属先やキャリアの描き方について、先輩社員が自分の経験をもとにお話しします。"
        ),
        note=(
            "高専出身の方は、ぜひ母校の先生や後輩に。先輩がいる会社だとわかるだけで、"
            "安心して応募してもらえます。"
        ),
        status="scheduled",
        publish_in_days=5,
        expire_in_days=30,
        campaign="shinsotsu-2027",
        variants=(
            DemoVariant(
                "",
                (
                    "高専生向けの工場見学と座談会があります。私も高専出身なので、"
                    "当日は座談会で進路の選び方について話す予定です。"
                ),
                ("高専", "工場見学"),
            ),
            DemoVariant(
                "x",
                (
                    "高専生向け工場見学、今年もやります。私も高専出身なので座談会に出ます。"
                    "専攻科に進むか就職するか迷っている人の相談も聞きますよ"
                ),
                ("高専",),
            ),
            DemoVariant(
                "x",
                (
                    "機械科・電気科・情報科、どの学科の高専生も歓迎です。工場の中を歩くと、"
                    "授業で習ったことがつながって見えるはず"
                ),
                ("高専", "27卒"),
            ),
            DemoVariant(
                "facebook",
                (
                    "母校の高専の後輩たちへ。勤務先の名古屋工場で、"
                    "高専生向けの見学会と座談会を開きます。"
                    "先生方にも共有していただけるとうれしいです。"
                ),
            ),
        ),
    ),
    DemoContent(
        key="rikejo-zadankai",
        topics=("saiyo", "event"),
        title=(
            "理系学生のための座談会「女性エンジニアと話そう」— 設計・生産技術・"
            "品質保証の社員が参加します"
        ),
        url="https://recruit.mirai-seisakusho.example/shinsotsu/2027/events/women-engineers/",
        summary=(
            "設計、生産技術、品質保証の各部門で働く女性エンジニアが、仕事内容や働き方、"
            "キャリアの積み方についてざっくばらんにお話しするオンライン座談会です。"
            "性別を問わずどなたでも参加できます。"
        ),
        note=(
            "「製造業は男性ばかり」というイメージを変えるきっかけにしたい企画です。"
            "登壇する同僚を応援する気持ちで広めてもらえるとうれしいです。"
        ),
        status="scheduled",
        publish_in_days=9,
        campaign="shinsotsu-2027",
        variants=(
            DemoVariant(
                "",
                (
                    "女性エンジニアが集まるオンライン座談会を開きます。"
                    "育休から復帰して設計に戻った話や、工場勤務の一日なども聞けます。"
                    "どなたでも参加できるので、気になる方はどうぞ。"
                ),
                ("女性エンジニア", "理系就活"),
            ),
            DemoVariant(
                "x",
                (
                    "今度の座談会、同期が登壇します。品質保証の仕事のリアルが聞ける回なので、"
                    "理系の学生さんぜひ"
                ),
                ("理系就活",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "設計・生産技術・品質保証で働く女性エンジニアによる、"
                    "学生向けのオンライン座談会を開催します。私も生産技術の立場から参加し、"
                    "工場での仕事や、ライフイベントとキャリアの両立についてお話しします。"
                    "ものづくりの仕事に少しでも興味があれば、性別を問わず気軽に参加してください。"
                ),
                ("女性エンジニア", "ダイバーシティ"),
            ),
            DemoVariant(
                "instagram",
                (
                    "理系学生のみなさんへ\n\n設計・生産技術・品質保証の\n"
                    "女性エンジニアと話せる座談会です。\n\n仕事のこと、働き方のこと、\n"
                    "なんでも聞いてください。"
                ),
                ("理系女子", "座談会", "みらい製作所"),
            ),
        ),
    ),
    DemoContent(
        key="shinsotsu-recruit-movie",
        topics=("saiyo",),
        title="採用ムービー「つくる人を、つくる。」を公開しました",
        url="https://recruit.mirai-seisakusho.example/shinsotsu/2027/movie/",
        summary=(
            "名古屋工場と東京本社で働く若手社員の一日を追った、"
            "約3分の採用ムービーを公開しました。ロボットが出荷されるまでの工程と、"
            "それを支える人たちの姿を紹介しています。"
        ),
        note=(
            "動画はSNSで広がりやすい素材です。出演している同僚への応援も込めて、"
            "ぜひシェアしてください。"
        ),
        status="published",
        publish_in_days=-20,
        campaign="shinsotsu-2027",
        variants=(
            DemoVariant(
                "",
                (
                    "採用ムービーが公開されました。名古屋工場の朝礼から出荷前の最終検査まで、"
                    "3分でみらい製作所の一日がわかります。"
                ),
                ("みらい製作所", "採用ムービー"),
            ),
            DemoVariant(
                "x",
                (
                    "採用ムービーに同じラインの先輩が出てます！撮影の日、"
                    "工場がちょっとそわそわしてました笑 3分なのでぜひ"
                ),
                ("採用ムービー",),
            ),
            DemoVariant(
                "x",
                (
                    "出荷前のロボットが並ぶシーン、毎日見ている光景なのに映像になると新鮮でした。"
                    "ものづくりの現場の空気が伝わる動画です"
                ),
            ),
            DemoVariant(
                "instagram",
                (
                    "採用ムービーができました🎬\n\n朝の名古屋工場、\n"
                    "組み上がっていくロボットアーム、\n出荷前の最終チェック。\n\n"
                    "私たちの毎日を3分にまとめています。"
                ),
                ("採用ムービー", "ものづくり", "工場"),
            ),
            DemoVariant(
                "line", "会社の採用動画ができたよ。工場の雰囲気がわかるので、よかったら見てみて"
            ),
        ),
    ),
    DemoContent(
        key="shinsotsu-es-column",
        topics=("saiyo",),
        title="人事が答える：エントリーシートで「ものづくりへの興味」をどう伝える？",
        url="https://recruit.mirai-seisakusho.example/shinsotsu/2027/blog/entry-sheet-tips/",
        summary=(
            "採用課の担当者が、エントリーシートや面接でよく寄せられる質問に答えるコラムです。"
            "研究内容の書き方や、ものづくりの経験がない場合のアピール方法について、"
            "具体例を交えて紹介します。"
        ),
        note=(
            "選考に不安を持つ学生さんに役立つ実用的な記事です。"
            "就活中のお子さんがいるご家庭にも届けてもらえると助かります。"
        ),
        status="scheduled",
        publish_in_days=3,
        campaign="shinsotsu-2027",
        variants=(
            DemoVariant(
                "",
                (
                    "採用課がエントリーシートの書き方についてコラムを書きました。"
                    "研究内容をどこまで書けばいいか、部活やアルバイトの経験をどうつなげるか、"
                    "具体例つきで解説しています。"
                ),
                ("就活", "エントリーシート"),
            ),
            DemoVariant(
                "x",
                (
                    "ESに何を書けばいいか迷っている27卒の方へ。人事の中の人として、"
                    "よく聞かれる質問にまとめて答えました"
                ),
                ("27卒", "ES"),
            ),
            DemoVariant(
                "linkedin",
                (
                    "採用課として、エントリーシートについてのコラムを公開しました。"
                    "毎年多くの学生さんから「ものづくりの経験がないと不利ですか」と聞かれますが、"
                    "私たちが知りたいのは経験の有無より、何に興味を持ってどう動いたかです。"
                    "就職活動中の方の参考になればうれしいです。"
                ),
                ("新卒採用",),
            ),
        ),
    ),
    DemoContent(
        key="shinsotsu-robot-hack",
        topics=("saiyo", "event"),
        title=(
            "学生向けハッカソン「MIRAI Robot Hack 2027」参加者募集 — "
            "AGVの自律走行プログラムを2日間で開発"
        ),
        url="https://recruit.mirai-seisakusho.example/shinsotsu/2027/events/robot-hack/",
        summary=(
            "学生の皆さんがチームを組み、当社のAGV「ハコブ」"
            "の実機を使って自律走行プログラムを開発する2日間のハッカソンです。"
            "開発本部のエンジニアがメンターとして参加します。"
        ),
        note=(
            "開発本部の有志がメンターを務めるイベントです。"
            "エンジニアの方が自分の言葉で紹介すると、技術好きの学生さんに届きます。"
        ),
        status="in_review",
        publish_in_days=14,
        campaign="shinsotsu-2027",
        variants=(
            DemoVariant(
                "",
                (
                    "学生向けのハッカソンを開きます。本物のAGVを2日間いじり倒して、"
                    "自律走行のプログラムを作ってもらいます。メンターとして私も参加します。"
                ),
                ("ハッカソン", "ROS2"),
            ),
            DemoVariant(
                "x",
                (
                    "学生ハッカソンのメンターをやります。実機のAGVを2日間好きに走らせられるのは、"
                    "正直うらやましい企画です"
                ),
                ("ハッカソン", "27卒"),
            ),
            DemoVariant(
                "x",
                (
                    "ROS 2を触ったことがある学生さん、実機で試してみたくないですか？"
                    "AGVを用意して待ってます"
                ),
                ("ROS2", "ハッカソン"),
            ),
            DemoVariant(
                "linkedin",
                (
                    "学生の皆さんを対象に、当社のAGVを使った2日間のハッカソンを開催します。"
                    "シミュレーションだけでは見えてこない、"
                    "センサーのノイズや床の段差といった現場の課題にチームで挑んでもらう内容です。"
                    "開発本部のエンジニアとしてメンターを務めますので、"
                    "ロボット開発に関心のある学生さんがいらっしゃれば、ぜひご紹介ください。"
                ),
                ("ハッカソン", "ロボット開発"),
            ),
        ),
    ),
    DemoContent(
        key="shinsotsu-nagoya-factory-tour",
        topics=("saiyo", "event"),
        title="【春休み企画】名古屋工場 見学ツアー — 製造・品質保証の現場を社員がご案内します",
        url="https://recruit.mirai-seisakusho.example/shinsotsu/2027/events/nagoya-factory-tour/",
        summary=(
            "春休み期間に、学生の皆さんを対象とした名古屋工場の見学ツアーを行います。"
            "組立ラインや品質保証の検査室を実際に働く社員がご案内し、"
            "見学後には質疑応答の時間を設けます。"
        ),
        note=(
            "名古屋工場で働く皆さんにお願いしたい投稿です。自分の職場を案内するつもりで、"
            "地元の学生さんやご家族に声をかけてください。"
        ),
        status="in_review",
        publish_in_days=10,
        campaign="shinsotsu-2027",
        locations=("NGO",),
        variants=(
            DemoVariant(
                "",
                (
                    "春休みに名古屋工場の見学ツアーをやります。私の職場の組立ラインも回るので、"
                    "普段どんなふうにロボットを組んでいるか見に来てください。"
                ),
                ("工場見学", "名古屋"),
            ),
            DemoVariant(
                "x",
                (
                    "春休みの工場見学ツアー、案内役をやることになりました。"
                    "検査室はふだん社外の人が入れない場所なので、けっこうレアだと思います"
                ),
                ("工場見学",),
            ),
            DemoVariant(
                "facebook",
                (
                    "名古屋工場で学生さん向けの見学ツアーを開催します。"
                    "地元で就職を考えている大学生や高専生のお子さんがいらっしゃる方、"
                    "よかったら教えてあげてください。"
                ),
                ("名古屋工場",),
            ),
            DemoVariant(
                "line", "春休みに工場見学のツアーがあるよ。就活中の知り合いがいたら声かけてみて"
            ),
        ),
    ),
    DemoContent(
        key="shinsotsu-ob-og-visit",
        topics=("saiyo",),
        title="OB・OG訪問の受付を始めました（技術職）",
        url="https://recruit.mirai-seisakusho.example/shinsotsu/2027/ob-og-visit/",
        summary=(
            "技術職を志望する学生の皆さんを対象に、採用サイトからOB・"
            "OG訪問の申し込みを受け付けています。出身校や専攻をもとに、"
            "開発本部の社員をご紹介します。"
        ),
        note=(
            "開発本部の方向けです。母校の研究室やOB会で紹介してもらえると、"
            "訪問の申し込みにつながりやすくなります。"
        ),
        status="approved",
        campaign="shinsotsu-2027",
        departments=("RD",),
        variants=(
            DemoVariant(
                "",
                (
                    "技術職志望の学生さん向けに、OB・OG訪問の受付が始まりました。"
                    "私も訪問を受ける社員として登録しています。研究室の後輩、"
                    "気軽に声をかけてください。"
                ),
                ("OB訪問", "新卒採用"),
            ),
            DemoVariant(
                "x",
                (
                    "OB訪問の受付が始まりました。出身研究室の後輩が来てくれたらうれしいです。"
                    "オンラインでも対応できます"
                ),
                ("OB訪問",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "私の勤務先では、技術職志望の学生さんを対象にOB・OG訪問を受け付けています。"
                    "設計や開発の仕事を具体的にイメージしてもらうには、"
                    "現場の社員と直接話すのがいちばんだと感じています。"
                    "出身大学の後輩の皆さんからのご連絡をお待ちしています。"
                ),
                ("OB訪問", "エンジニア"),
            ),
        ),
    ),
    DemoContent(
        key="shinsotsu-training-diary",
        topics=("saiyo",),
        title="新人研修の3か月を振り返って — 2026年入社・生産技術職の日記から",
        url="https://recruit.mirai-seisakusho.example/shinsotsu/2027/blog/training-diary/",
        summary=(
            "2026年に入社した生産技術職の社員が、集合研修から工場実習、"
            "配属までの3か月を日記形式で振り返ります。"
        ),
        note=(
            "入社後のイメージを持ってもらうための記事です。公開されたら、"
            "研修を一緒に受けた同期の皆さんにも広めてほしいです。"
        ),
        status="draft",
        campaign="shinsotsu-2027",
        variants=(
            DemoVariant(
                "",
                (
                    "新人研修の振り返り日記を書きました。"
                    "工場実習でねじ一本の締め方から教わった話、今読み返すと懐かしいです。"
                ),
                ("新人研修",),
            ),
        ),
    ),
    DemoContent(
        key="shinsotsu-life-support",
        topics=("saiyo",),
        title="新卒社員の住まいと暮らしのサポート — 独身寮・住宅手当・赴任のこと",
        url="https://recruit.mirai-seisakusho.example/shinsotsu/2027/life-support/",
        summary=(
            "名古屋・東京の独身寮、住宅手当、赴任時の引越し費用の補助など、"
            "新卒社員の生活面を支える制度をまとめたページです。"
        ),
        note=(
            "地方から就職する学生さんと、そのご家族が特に気にするポイントです。"
            "公開までもう少しお待ちください。"
        ),
        status="draft",
        publish_in_days=30,
        campaign="shinsotsu-2027",
    ),
    DemoContent(
        key="career-embedded-rust",
        topics=("saiyo", "tech"),
        title="キャリア採用：組込みソフトウェアエンジニア（Rust / C++）を募集しています",
        url="https://recruit.mirai-seisakusho.example/career/jobs/embedded-software-engineer/",
        summary=(
            "センサーやモーター制御ボードのファームウェア開発を担うエンジニアを募集します。"
            "Rustを使った新規開発と、既存のC++資産の保守の両方に携わっていただきます。"
            "勤務地は東京本社で、週2日まで在宅勤務が可能です。"
        ),
        note=(
            "開発本部の皆さん向けです。エンジニアの知り合いには、求人票よりも「一緒に働く人」"
            "からの一言がよく響きます。"
        ),
        status="published",
        publish_in_days=-40,
        departments=("RD",),
        variants=(
            DemoVariant(
                "",
                (
                    "私のチームで組込みエンジニアを募集しています。"
                    "新しいセンサーのファームウェアはRustで書いていて、"
                    "既存のC++資産との付き合い方も含めて面白い時期です。"
                ),
                ("組込み", "Rust", "転職"),
            ),
            DemoVariant(
                "x",
                (
                    "うちのチーム、組込みRustを実戦で使ってます。C++の既存資産もあるので、"
                    "両方触れる人・一緒に悩んでくれる人を募集中です"
                ),
                ("Rust", "組込み"),
            ),
            DemoVariant(
                "x",
                (
                    "ハードウェアの近くでソフトを書きたい人に。"
                    "モーター制御ボードのファームを書いて、その日のうちに実機で動かせる環境です"
                ),
                ("組込み", "エンジニア募集"),
            ),
            DemoVariant(
                "linkedin",
                (
                    "みらい製作所の開発本部で、組込みソフトウェアエンジニアを募集しています。"
                    "私たちのチームでは力覚センサーやモーター制御ボードのファームウェアを開発して"
                    "おり、新規開発ではRustを採用しています。ハードウェアのチームと同じフロアで、"
                    "書いたコードをすぐ実機で確かめられるのが魅力です。興味がある方、"
                    "まずは気軽に話しましょう。"
                ),
                ("組込みソフトウェア", "Rust", "採用"),
            ),
        ),
    ),
    DemoContent(
        key="career-sales-osaka",
        topics=("saiyo",),
        title=(
            "【キャリア採用】大阪支社 法人営業（FA機器・ロボット）— "
            "製造業のお客様の自動化をご提案いただきます"
        ),
        url="https://recruit.mirai-seisakusho.example/career/jobs/sales-osaka/",
        summary=(
            "関西エリアの製造業のお客様を担当する法人営業を募集します。ロボットやAGVの導入を、"
            "技術部門と一緒に構想段階から支援する仕事です。FA業界での経験は問いません。"
        ),
        note=(
            "大阪支社のメンバーに特にお願いしたい求人です。前職の同僚や知り合いで、"
            "営業として次の挑戦を探している方に紹介してください。"
        ),
        status="published",
        publish_in_days=-15,
        locations=("OSA",),
        variants=(
            DemoVariant(
                "",
                (
                    "大阪支社で法人営業の仲間を募集しています。お客様の工場を一緒に歩きながら、"
                    "どこを自動化できるか考える仕事です。FA業界の経験がなくても大丈夫です。"
                ),
                ("キャリア採用", "大阪"),
            ),
            DemoVariant(
                "x",
                (
                    "大阪支社、営業を募集中です。工場を回って「ここロボットにできますね」"
                    "と話すのが好きな人、向いてると思います"
                ),
                ("転職", "大阪"),
            ),
            DemoVariant(
                "linkedin",
                (
                    "大阪支社で、関西の製造業のお客様を担当する法人営業を募集しています。"
                    "私自身も異業種からの転職で、"
                    "入社後は技術部門のメンバーと一緒に学びながらお客様の自動化を支援してきました"
                    "。ものづくりの現場に深く入り込む営業に関心がある方、ぜひご連絡ください。"
                ),
                ("キャリア採用", "法人営業"),
            ),
        ),
    ),
    DemoContent(
        key="summer-internship-2027",
        topics=("saiyo", "event"),
        title="2027年卒向け 夏のエンジニアインターンシップ（5日間）エントリー受付",
        url="https://recruit.mirai-seisakusho.example/shinsotsu/2027/internship/summer/",
        summary=(
            "設計・開発部門に5日間配属され、"
            "社員と同じテーマに取り組む夏季インターンシップの参加者を募集しました。"
            "エントリーの受付は終了しています。"
        ),
        note="受付は終了しました。いまは説明会や1day仕事体験のページを紹介してください。",
        status="expired",
        publish_in_days=-85,
        expire_in_days=-45,
        variants=(
            DemoVariant(
                "",
                (
                    "夏のインターンシップのエントリーが始まりました。5日間、"
                    "実際の設計チームに入って一緒にテーマに取り組んでもらいます。"
                ),
                ("インターンシップ", "27卒"),
            ),
            DemoVariant(
                "x",
                (
                    "夏インターンの受付が始まりました。去年受け入れた学生さん、"
                    "最終日の発表がすごくて課のみんなで唸ってました"
                ),
                ("サマーインターン",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "2027年卒の学生さんを対象に、"
                    "5日間の夏季エンジニアインターンシップを実施します。参加者には設計・"
                    "開発部門の実際のチームに加わってもらい、"
                    "社員と同じ課題に取り組んでもらいます。"
                    "エンジニアの仕事を深く知りたい学生さんのご応募をお待ちしています。"
                ),
                ("インターンシップ",),
            ),
        ),
    ),
    DemoContent(
        key="shinsotsu-seminar-2026",
        topics=("saiyo", "event"),
        title="2026年卒 会社説明会の日程（終了しました）",
        url="https://recruit.mirai-seisakusho.example/shinsotsu/2026/seminar/",
        summary=(
            "2026年卒の皆さん向けに開催した会社説明会の日程ページです。すべての回が終了しました。"
        ),
        note="昨年度のページです。最新の説明会情報は2027年卒のページを紹介してください。",
        status="archived",
        publish_in_days=-150,
        variants=(
            DemoVariant(
                "",
                (
                    "2026年卒向けの会社説明会、日程が出ました。オンラインと名古屋工場での対面、"
                    "どちらも選べます。"
                ),
                ("26卒", "会社説明会"),
            ),
            DemoVariant(
                "x", "26卒向けの説明会日程が出ました。対面の回は工場見学つきです", ("26卒",)
            ),
            DemoVariant("line", "会社の説明会の日程が決まったよ。就活中の子がいたら教えてあげて"),
        ),
    ),
    DemoContent(
        key="careers-robotics-software-en",
        topics=("saiyo", "tech"),
        title="Join our robotics software team in Tokyo — English-speaking engineers welcome",
        url="https://recruit.mirai-seisakusho.example/career/jobs/robotics-software-engineer-en/",
        summary=(
            "We are hiring software engineers to develop motion planning and perception for our "
            "collaborative robot arms. Our Tokyo team works in Japanese and English, and we "
            "support relocation and Japanese language study."
        ),
        note=(
            "Please share this with engineers in your international network. A personal "
            "introduction from a colleague helps candidates more than any job board."
        ),
        status="in_review",
        publish_in_days=7,
        languages=("en",),
        variants=(
            DemoVariant(
                "",
                (
                    "My team in Tokyo is hiring robotics software engineers. We work on motion "
                    "planning and perception for collaborative robot arms, in both English and "
                    "Japanese."
                ),
                ("robotics", "hiring"),
            ),
            DemoVariant(
                "x",
                (
                    "We're hiring! Robotics software engineers who want to see their code move "
                    "real robot arms: come talk to us in Tokyo."
                ),
                ("robotics", "ROS2"),
            ),
            DemoVariant(
                "linkedin",
                (
                    "My team at Mirai Seisakusho is looking for robotics software engineers to "
                    "join us in Tokyo. We build motion planning and perception software for "
                    "collaborative robot arms, and we test on real hardware every day. The team "
                    "works in English and Japanese, and the company supports relocation and "
                    "Japanese lessons. If you or someone you know might be interested, I'd be "
                    "happy to chat."
                ),
                ("hiring", "robotics", "Japan"),
            ),
        ),
    ),
    # 製品: campaign x1-launch (「ミライアーム X1」), then the other product lines.
    DemoContent(
        key="x1-launch-release",
        topics=("seihin",),
        title=(
            "協働ロボットアーム「ミライアーム X1」を発売 — 可搬重量7kg、"
            "設置面積を従来機比で約3割削減"
        ),
        url="https://www.mirai-seisakusho.example/news/2026/x1-launch/",
        summary=(
            "人と同じ空間で作業できる協働ロボットアーム「ミライアーム X1」の受注を開始しました。"
            "可搬重量7kg、リーチ900mmで、従来機に比べて設置面積を約3割小さくしています。"
            "タブレットでの直感的なティーチングにも対応します。"
        ),
        note=(
            "X1キャンペーンの中心になるリリースです。お客様や取引先とつながっている方は、"
            "ご自身の言葉でひと言添えて共有してください。"
        ),
        status="published",
        publish_in_days=-10,
        promotional=True,
        featured=True,
        campaign="x1-launch",
        variants=(
            DemoVariant(
                "",
                (
                    "自社製品ですが、数年がかりで開発してきた協働ロボットアーム「ミライアーム "
                    "X1」がついに発売になりました。小さなスペースにも置けて、"
                    "タブレットで動きを教えられます。"
                ),
                ("ミライアームX1", "協働ロボット"),
            ),
            DemoVariant(
                "x",
                (
                    "みらい製作所の社員として、今日はちょっと誇らしいです。"
                    "新しい協働ロボットアームX1、発売しました。試作機の頃から見てきたので感慨深い"
                ),
                ("ミライアームX1",),
            ),
            DemoVariant(
                "x",
                (
                    "うちの新製品、ミライアーム X1が出ました。"
                    "設置面積が従来機より約3割小さいので、狭いラインにも入れやすくなっています"
                ),
                ("協働ロボット", "ミライアームX1"),
            ),
            DemoVariant(
                "linkedin",
                (
                    "勤務先のみらい製作所から、協働ロボットアーム「ミライアーム X1」"
                    "を発売しました。可搬重量7kg、リーチ900mmで、"
                    "従来機より設置面積を約3割小さくしています。"
                    "営業として多くのお客様から「置き場所がない」という声を聞いてきたので、"
                    "その課題に応える製品を紹介できるのがうれしいです。"
                    "ご関心のある方はお気軽にご連絡ください。"
                ),
                ("協働ロボット", "工場自動化"),
            ),
            DemoVariant(
                "facebook",
                (
                    "私が勤めている会社で、新しいロボットアームが発売になりました。"
                    "人のすぐそばで一緒に働けるタイプのロボットです。"
                    "家族にはいつも何を作っているのか説明しにくいのですが、これがそうです。"
                ),
                ("ミライアームX1",),
            ),
            DemoVariant(
                "threads",
                (
                    "自社の新製品の話です。X1、"
                    "発表会で実機を見たら思っていた以上にコンパクトでした。開発チームのみなさん、"
                    "本当におつかれさまでした"
                ),
            ),
        ),
    ),
    DemoContent(
        key="x1-design-story",
        topics=("seihin", "tech"),
        title="開発者が語る「ミライアーム X1」— 人のそばで働くロボットに必要だったこと",
        url="https://www.mirai-seisakusho.example/tech-blog/2026/x1-design-story/",
        summary=(
            "ミライアーム X1の機構設計とソフトウェアのリーダーが、接触を検知して止まる仕組みや、"
            "関節を小型化するための工夫など、開発の裏側を紹介します。"
        ),
        note=(
            "製品の中身を技術の視点で語った記事です。エンジニアの知り合いには、"
            "リリースよりこちらのほうが響くかもしれません。"
        ),
        status="published",
        publish_in_days=-6,
        # A story about the company's own product: promotional (ステマ規制), like a launch.
        promotional=True,
        campaign="x1-launch",
        variants=(
            DemoVariant(
                "",
                (
                    "X1の開発チームが、設計の裏側を技術ブログに書きました。"
                    "人に触れたらすぐ止まる仕組みを、"
                    "センサーと制御の両方からどう作ったかがわかります。"
                ),
                ("ミライアームX1", "ロボット開発"),
            ),
            DemoVariant(
                "x",
                (
                    "X1の関節をどうやって小さくしたか、"
                    "機構設計の先輩が技術ブログに書いてくれました。図が多くてわかりやすいです"
                ),
                ("技術ブログ",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "私も開発に関わった協働ロボットアーム「ミライアーム X1」について、"
                    "チームのリーダーたちが技術ブログで設計の裏側を紹介しています。"
                    "接触検知のしきい値をどう決めたか、関節の小型化と放熱をどう両立させたかなど、"
                    "開発中に議論を重ねた点が率直に書かれています。"
                    "ロボットの設計に関心のある方に読んでいただけたらうれしいです。"
                ),
                ("ロボット設計", "協働ロボット"),
            ),
            DemoVariant(
                "bluesky",
                (
                    "X1の開発記、ようやく公開されました。"
                    "あの頃の試行錯誤がちゃんと文章になっていて、読みながら少しじーんとしています"
                ),
            ),
        ),
    ),
    DemoContent(
        key="x1-launch-en",
        topics=("seihin",),
        title="Mirai Seisakusho launches MIRAI ARM X1, a compact collaborative robot arm",
        url="https://www.mirai-seisakusho.example/en/news/2026/x1-launch/",
        summary=(
            "MIRAI ARM X1 is a collaborative robot arm with a 7 kg payload and 900 mm reach, "
            "taking up about 30% less floor space than our previous model. Orders are open in "
            "Japan, and overseas availability follows through our sales partners."
        ),
        note=(
            "For the overseas sales team: share this with customers and partners abroad, and "
            "mention that you work at Mirai Seisakusho when you post."
        ),
        status="published",
        publish_in_days=-9,
        promotional=True,
        campaign="x1-launch",
        departments=("SL40",),
        languages=("en",),
        variants=(
            DemoVariant(
                "",
                (
                    "Our new collaborative robot arm, MIRAI ARM X1, is now available. Full "
                    "disclosure: I work at Mirai Seisakusho, and I've watched this one grow from "
                    "prototype to product."
                ),
                ("cobot", "robotics"),
            ),
            DemoVariant(
                "x",
                (
                    "New from my company: MIRAI ARM X1, a compact cobot with a 7 kg payload. "
                    "Small footprint, and you teach it from a tablet."
                ),
                ("cobot",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "I'm proud to share that Mirai Seisakusho, where I work in overseas sales, "
                    "has launched MIRAI ARM X1. It carries 7 kg with a 900 mm reach and needs "
                    "about 30% less floor space than our previous model, which makes it easier "
                    "to fit into existing lines. If you're exploring collaborative automation in "
                    "your plant, I'd be glad to talk."
                ),
                ("cobot", "automation", "manufacturing"),
            ),
            DemoVariant(
                "linkedin",
                (
                    "Many of our partners in Southeast Asia tell me floor space is their biggest "
                    "constraint. MIRAI ARM X1, the new cobot from my employer Mirai Seisakusho, "
                    "was designed with exactly that in mind. Happy to arrange a demo for anyone "
                    "in the region."
                ),
                ("automation", "SoutheastAsia"),
            ),
        ),
    ),
    DemoContent(
        key="x1-showroom-demo",
        topics=("seihin", "event"),
        title="東京本社ショールームで「ミライアーム X1」の実機デモを始めました（要予約）",
        url="https://www.mirai-seisakusho.example/products/robot-arm/x1/showroom/",
        summary=(
            "東京本社1階のショールームで、ミライアーム "
            "X1の実機デモをご覧いただけるようになりました。お客様のワークをお持ちいただければ、"
            "その場で把持やピッキングをお試しいただけます。"
        ),
        note=(
            "実機を見ると導入の検討が一気に進みます。お客様への案内や、"
            "営業の皆さんの商談のきっかけにご活用ください。"
        ),
        status="published",
        publish_in_days=-1,
        promotional=True,
        campaign="x1-launch",
        variants=(
            DemoVariant(
                "",
                (
                    "東京本社のショールームで、自社の新製品ミライアーム "
                    "X1の実機デモを始めました。持ち込んだワークでピッキングを試せます。"
                ),
                ("ミライアームX1", "ショールーム"),
            ),
            DemoVariant(
                "x",
                (
                    "本社のショールームにX1が入りました。みらい製作所の社員として、"
                    "実物が動いているところを一度見てほしいです。予約制です"
                ),
                ("ミライアームX1",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "みらい製作所の東京本社ショールームで、協働ロボットアーム「ミライアーム X1」"
                    "の実機デモを始めました。お客様のワークをお持ちいただければ、"
                    "把持やピッキングをその場で試していただけます。導入をご検討中の方は、"
                    "私までお気軽にお声がけください。"
                ),
                ("協働ロボット", "ショールーム"),
            ),
        ),
    ),
    DemoContent(
        key="x1-webinar",
        topics=("seihin", "event"),
        title=(
            "【無料ウェビナー】ミライアーム X1で始める協働ロボット導入 — "
            "リスクアセスメントから立ち上げまで"
        ),
        url="https://www.mirai-seisakusho.example/events/2026/webinar-x1-introduction/",
        summary=(
            "初めて協働ロボットを導入するお客様に向けて、リスクアセスメントの進め方、"
            "ティーチングの基本、立ち上げ期間の目安を60分で解説するウェビナーです。"
            "最後にミライアーム X1の実演と質疑応答を行います。"
        ),
        note=(
            "導入を迷っているお客様への案内にぴったりです。営業・技術サポートの皆さん、"
            "担当のお客様にぜひ。"
        ),
        status="scheduled",
        publish_in_days=7,
        expire_in_days=21,
        promotional=True,
        campaign="x1-launch",
        variants=(
            DemoVariant(
                "",
                (
                    "協働ロボットを初めて導入する方向けのウェビナーを開きます。"
                    "安全の考え方から立ち上げまでを、自社のX1を使って説明します。"
                    "私も質疑応答を担当します。"
                ),
                ("協働ロボット", "ウェビナー"),
            ),
            DemoVariant(
                "x",
                (
                    "勤務先のウェビナーで講師をやります。"
                    "協働ロボット導入の「最初に何をすればいいの？」に60分で答える回です"
                ),
                ("ウェビナー",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "みらい製作所では、"
                    "協働ロボットの導入を検討されている方向けに無料ウェビナーを開催します。"
                    "技術サポートとして多くの立ち上げに立ち会ってきた経験から、"
                    "リスクアセスメントの進め方やつまずきやすいポイントをお話しします。"
                    "後半は自社製品ミライアーム X1の実演です。"
                ),
                ("協働ロボット", "工場自動化"),
            ),
            DemoVariant(
                "facebook",
                (
                    "勤め先で無料のオンラインセミナーをやります。"
                    "製造業で自動化を考えている知り合いがいたら、教えてもらえると助かります。"
                ),
            ),
        ),
    ),
    DemoContent(
        key="x1-caravan-osaka",
        topics=("seihin", "event"),
        title=(
            "ミライアーム X1 体験キャラバン、大阪支社からスタート — "
            "関西のお客様先へ実機をお持ちします"
        ),
        url="https://www.mirai-seisakusho.example/events/2026/x1-caravan/",
        summary=(
            "デモ機を積んだキャラバンカーで関西のお客様を訪問し、現場でミライアーム "
            "X1をお試しいただく企画です。大阪支社を起点に、順次ほかの地域にも広げていきます。"
        ),
        note=(
            "大阪支社の皆さん向けです。担当のお客様や取引先に「うちにも来て」"
            "と言ってもらえるよう、案内してください。"
        ),
        status="in_review",
        publish_in_days=12,
        promotional=True,
        campaign="x1-launch",
        locations=("OSA",),
        variants=(
            DemoVariant(
                "",
                (
                    "自社のX1を積んだキャラバンカーで、関西のお客様の工場を回ります。"
                    "大阪支社が最初の拠点です。現場で実際に動かしてみたい方はご相談ください。"
                ),
                ("ミライアームX1", "関西"),
            ),
            DemoVariant(
                "x",
                (
                    "大阪支社から、X1を載せたキャラバンが出発します。みらい製作所の営業として、"
                    "お客様の現場で実機を見てもらえるのが楽しみです"
                ),
                ("ミライアームX1", "大阪"),
            ),
            DemoVariant(
                "linkedin",
                (
                    "大阪支社を起点に、協働ロボット「ミライアーム X1」"
                    "の体験キャラバンを始めます。デモ機をお客様の工場にお持ちし、"
                    "実際のラインの横で動かしていただけます。関西で自動化をご検討中の方は、"
                    "私までご連絡ください。"
                ),
                ("協働ロボット", "関西"),
            ),
        ),
    ),
    DemoContent(
        key="x1-faq",
        topics=("seihin",),
        title="ミライアーム X1 よくあるご質問",
        url="https://www.mirai-seisakusho.example/products/robot-arm/x1/faq/",
        summary=(
            "安全柵の要否、対応するエンドエフェクタ、既存のPLCとの接続方法など、ミライアーム "
            "X1についてお客様からよくいただく質問と回答をまとめました。"
        ),
        note="お客様から質問を受けたときに、そのまま紹介できるページです。商談前の予習用にも。",
        status="approved",
        promotional=True,
        campaign="x1-launch",
        variants=(
            DemoVariant(
                "",
                (
                    "自社のX1について、お客様からよく聞かれる質問をまとめたページができました。"
                    "安全柵がいるのか、今のPLCとつながるのか、といった疑問に答えています。"
                ),
                ("ミライアームX1",),
            ),
            DemoVariant(
                "x",
                (
                    "X1について聞かれることが多い「安全柵は必要？」「今のPLCにつながる？」"
                    "をまとめたFAQです。みらい製作所の社員として、私も商談前の予習に使っています"
                ),
                ("協働ロボット",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "勤務先の協働ロボット「ミライアーム X1」について、"
                    "よくいただくご質問をFAQにまとめました。安全柵の考え方、"
                    "エンドエフェクタの選び方、既存設備との接続など、"
                    "導入検討の初期に気になる点を中心に取り上げています。"
                ),
                ("協働ロボット", "FAQ"),
            ),
        ),
    ),
    # Deliberately risky: the first text claims 「業界No.1の精度」 (an unsubstantiated superlative).
    DemoContent(
        key="x1-case-study-food",
        topics=("seihin",),
        title="導入事例：食品工場の箱詰め工程にミライアーム X1 — 2台で夜間の人手不足に対応",
        url="https://www.mirai-seisakusho.example/products/robot-arm/x1/case-study-food/",
        summary=(
            "食品メーカーの工場で、箱詰め工程にミライアーム X1を2台導入いただいた事例です。"
            "導入の経緯と立ち上げまでの期間、現場の方の声を紹介します。"
        ),
        note="お客様の掲載承諾を確認中の事例です。公開後は、同業のお客様への紹介に使ってください。",
        status="draft",
        promotional=True,
        campaign="x1-launch",
        variants=(
            DemoVariant(
                "",
                (
                    "自社製品のX1が食品工場で活躍している事例です。業界No.1の精度で、"
                    "箱詰めのミスがほぼなくなりました。"
                ),
                ("ミライアームX1", "導入事例"),
            ),
            DemoVariant(
                "x",
                (
                    "X1の導入事例が出ました。"
                    "夜のシフトが組みにくかった箱詰め工程を2台で回しているそうです。"
                    "みらい製作所の社員としてうれしい話"
                ),
                ("導入事例",),
            ),
        ),
    ),
    DemoContent(
        key="hakobu-hx300-towing",
        topics=("seihin",),
        title=(
            "AGV「ハコブ HX-300」に牽引ユニットを追加 — 台車をつないで最大500kgまで搬送できるように"
        ),
        url="https://www.mirai-seisakusho.example/news/2026/hakobu-hx300-towing/",
        summary=(
            "自律走行搬送ロボット「ハコブ HX-300」向けに、"
            "かご台車や平台車を自動で連結できる牽引ユニットを発売しました。"
            "既存の台車をそのまま使えるため、工程間搬送の自動化を少ない投資で始められます。"
        ),
        note=(
            "物流や工場内搬送に悩むお客様向けの話題です。営業の方は、"
            "お客様との会話のきっかけにどうぞ。"
        ),
        status="published",
        publish_in_days=-45,
        promotional=True,
        variants=(
            DemoVariant(
                "",
                (
                    "自社のAGV「ハコブ」に、"
                    "今ある台車をつないで引っぱれる牽引ユニットが加わりました。"
                    "台車を買い替えずに搬送を自動化できるのがポイントです。"
                ),
                ("ハコブ", "AGV"),
            ),
            DemoVariant(
                "x",
                (
                    "勤務先のAGVハコブに牽引ユニットが出ました。"
                    "工場のかご台車をそのまま引っぱって走ります。地味だけど現場で喜ばれるやつです"
                ),
                ("AGV",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "みらい製作所のAGV「ハコブ HX-300」に、牽引ユニットが加わりました。"
                    "お客様がお使いのかご台車や平台車をそのまま連結できるので、"
                    "搬送設備を入れ替えずに自動化を始められます。"
                    "工程間搬送でお困りの方がいらっしゃれば、ぜひご相談ください。"
                ),
                ("AGV", "物流自動化"),
            ),
        ),
    ),
    DemoContent(
        key="mirume-v3",
        topics=("seihin",),
        title=(
            "画像検査システム「ミルメ」バージョン3.0を提供開始 — 少ない良品画像から検査モデルを作成"
        ),
        url="https://www.mirai-seisakusho.example/news/2026/mirume-v3/",
        summary=(
            "画像検査システム「ミルメ」の最新版では、"
            "良品画像を数十枚用意するだけで外観検査のモデルを作成できるようになりました。"
            "判定の根拠を画面上に色で示す機能も加わり、現場での確認がしやすくなっています。"
        ),
        note=(
            "検査工程の人手不足は多くのお客様の悩みです。品質保証や生産技術の知り合いがいる方は、"
            "ぜひ届けてください。"
        ),
        status="published",
        publish_in_days=-60,
        promotional=True,
        variants=(
            DemoVariant(
                "",
                (
                    "自社の画像検査システム「ミルメ」の新バージョンが出ました。"
                    "不良品の画像を集めなくても、"
                    "良品の画像だけで検査を始められるようになっています。"
                ),
                ("ミルメ", "外観検査"),
            ),
            DemoVariant(
                "x",
                (
                    "ミルメ3.0、開発チームの隣の席で見ていたので出てうれしい。"
                    "みらい製作所の社員として言うと、判定の根拠が色でわかる画面がかなり便利です"
                ),
                ("画像検査",),
            ),
            DemoVariant(
                "x",
                (
                    "新しいミルメは良品の画像数十枚から検査モデルを作れます。"
                    "自社製品の紹介になりますが、不良サンプル集めに苦労していた現場にはぜひ"
                ),
                ("ミルメ",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "勤務先の画像検査システム「ミルメ」の新バージョンを提供開始しました。"
                    "不良品のサンプルが少ない立ち上げ初期でも、"
                    "良品画像から検査モデルを作れるのが特徴です。"
                    "判定の根拠を画面で確認できるので、"
                    "検査員の方が納得して運用できる点もご好評をいただいています。"
                ),
                ("外観検査", "画像処理"),
            ),
        ),
    ),
    DemoContent(
        key="mirai-link-opcua",
        topics=("seihin",),
        title="設備稼働監視ソフトウェア「ミライリンク」がOPC UAに対応します",
        url="https://www.mirai-seisakusho.example/news/2026/mirai-link-opcua/",
        summary=(
            "設備の稼働状況を見える化するソフトウェア「ミライリンク」が、"
            "次期バージョンで通信規格OPC UAに対応します。他社製の設備も含めて、"
            "ライン全体の稼働データをひとつの画面で確認できるようになります。"
        ),
        note=(
            "工場のIT・OT担当者に響く話題です。"
            "情報システムやソフトウェアの方から紹介してもらえると効果的です。"
        ),
        status="scheduled",
        publish_in_days=15,
        promotional=True,
        variants=(
            DemoVariant(
                "",
                (
                    "自社の設備監視ソフト「ミライリンク」がOPC UAに対応します。"
                    "メーカーの違う設備が混在している工場でも、"
                    "稼働状況をまとめて見られるようになります。"
                ),
                ("ミライリンク", "OPCUA"),
            ),
            DemoVariant(
                "x",
                (
                    "ミライリンクがOPC UAに対応します。社内でもずっと要望が多かったので、"
                    "みらい製作所のソフトチームの一員としてホッとしています"
                ),
                ("OPCUA", "スマートファクトリー"),
            ),
            DemoVariant(
                "linkedin",
                (
                    "勤務先の設備稼働監視ソフトウェア「ミライリンク」が、次期バージョンでOPC "
                    "UAに対応します。多くの工場ではメーカーの異なる設備が混在していて、"
                    "データ収集の仕組みが個別になりがちです。共通の規格でつながることで、"
                    "ライン全体の稼働を一つの画面で把握しやすくなります。"
                ),
                ("OPCUA", "IoT"),
            ),
        ),
    ),
    DemoContent(
        key="hakobu-southeast-asia-en",
        topics=("seihin",),
        title="HAKOBU AGVs now available in Southeast Asia through a new distribution partner",
        url="https://www.mirai-seisakusho.example/en/news/2026/hakobu-southeast-asia/",
        summary=(
            "Our HAKOBU series of automated guided vehicles is now sold and supported in "
            "Thailand, Vietnam and Malaysia through a regional distribution partner, with local "
            "stock of spare parts and on-site service."
        ),
        note=(
            "For the overseas sales team: a good opening for conversations with customers in "
            "Southeast Asia. Please say that you work at Mirai Seisakusho when you post."
        ),
        status="published",
        publish_in_days=-30,
        promotional=True,
        departments=("SL40",),
        languages=("en",),
        variants=(
            DemoVariant(
                "",
                (
                    "HAKOBU, the AGV series my company makes, is now available in Thailand, "
                    "Vietnam and Malaysia, with local spare parts and on-site service."
                ),
                ("AGV", "SoutheastAsia"),
            ),
            DemoVariant(
                "x",
                (
                    "HAKOBU AGVs from my company now have local sales and service in Thailand, "
                    "Vietnam and Malaysia. Shorter lead times, finally."
                ),
                ("AGV",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "Good news for our customers in Southeast Asia: Mirai Seisakusho's HAKOBU "
                    "AGVs are now sold and supported locally through our new distribution "
                    "partner. As part of the overseas sales team, I've heard many of you ask "
                    "about lead times and service, and local stock and engineers should make a "
                    "real difference. Feel free to reach out if you'd like an introduction."
                ),
                ("AGV", "logistics", "intralogistics"),
            ),
        ),
    ),
    DemoContent(
        key="miraisense-fs6",
        topics=("seihin",),
        title="小型6軸力覚センサー「ミライセンス FS6」の受注を開始しました",
        url="https://www.mirai-seisakusho.example/news/2025/miraisense-fs6/",
        summary=(
            "ロボットの手首に取り付けて、"
            "押し付けやはめ合い作業の力加減を制御するための小型6軸力覚センサーです。"
            "後継モデルの発表にあわせて、本ページの更新を終了しています。"
        ),
        note="後継モデルの情報に切り替わったため、アーカイブしました。",
        status="archived",
        publish_in_days=-140,
        promotional=True,
        variants=(
            DemoVariant(
                "",
                (
                    "自社の小型力覚センサー「ミライセンス FS6」の受注が始まりました。"
                    "ロボットに「押す加減」を教えられるセンサーです。"
                ),
                ("力覚センサー",),
            ),
            DemoVariant(
                "x",
                (
                    "勤務先の新しい力覚センサーFS6、手のひらに乗るサイズです。"
                    "はめ合い作業の自動化を考えている方にぜひ"
                ),
                ("ミライセンス",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "みらい製作所から、小型6軸力覚センサー「ミライセンス FS6」"
                    "の受注を開始しました。ロボットの手首に取り付けることで、"
                    "部品のはめ合いや研磨など、力加減が求められる作業の自動化を支えます。"
                ),
                ("力覚センサー", "ロボット"),
            ),
        ),
    ),
    DemoContent(
        key="hakobu-hx200-software-update",
        topics=("seihin",),
        title="【お知らせ】AGV「ハコブ HX-200」制御ソフトウェア更新のお願い",
        url="https://www.mirai-seisakusho.example/products/agv/hakobu/support/hx200-update/",
        summary=(
            "ハコブ HX-200の一部ロットで、"
            "障害物を検知して停止したあとの再発進に通常より時間がかかる事象を確認しました。"
            "対策版の制御ソフトウェアを無償で提供しますので、更新をお願いいたします。"
        ),
        note=(
            "お客様への周知にご協力いただく予定のお知らせです。品質保証と法務の確認後に公開します。"
        ),
        status="draft",
    ),
    # 技術ブログ
    DemoContent(
        key="tech-ros2-migration",
        topics=("tech",),
        title="ROS 1からROS 2へ：AGVの制御基盤を2年かけて移行した話",
        url="https://www.mirai-seisakusho.example/tech-blog/2026/ros2-migration/",
        summary=(
            "AGV「ハコブ」シリーズのソフトウェア基盤をROS 1からROS 2へ移行した2年間の記録です。"
            "段階的な移行を可能にしたブリッジ構成、DDSの設定で苦労した点、"
            "実機試験の進め方を紹介します。"
        ),
        note=(
            "技術ブログで特に反響の大きい記事です。エンジニアの方は、"
            "ご自身の感想をひと言添えて共有するとさらに読まれます。"
        ),
        status="published",
        publish_in_days=-40,
        featured=True,
        variants=(
            DemoVariant(
                "",
                (
                    "うちのチームで進めてきたROS 2移行の話を技術ブログにまとめました。"
                    "動いているAGVを止めずに、少しずつ移していくのが大変でした。"
                ),
                ("ROS2", "技術ブログ"),
            ),
            DemoVariant(
                "x",
                (
                    "ROS 2移行の記事を書きました。"
                    "DDSの設定で何週間溶かしたかも正直に書いています。"
                    "同じ道を行く人の参考になれば"
                ),
                ("ROS2",),
            ),
            DemoVariant(
                "x",
                (
                    "ROS 1からROS 2への移行、2年かかりました。"
                    "ブリッジを挟んで段階的に移す構成は、わりと汎用的に使えると思います"
                ),
                ("ROS2", "ロボット開発"),
            ),
            DemoVariant(
                "linkedin",
                (
                    "私たちのチームが2年かけて取り組んだ、AGVの制御基盤のROS "
                    "2移行について技術ブログに書きました。稼働中の製品を止めずにどう移行するか、"
                    "DDSの設定や通信品質の問題にどう向き合ったかを具体的に紹介しています。ROS "
                    "2の導入を検討中の方や、"
                    "ロボットのソフトウェアに関心のある方の参考になればうれしいです。"
                ),
                ("ROS2", "ソフトウェア開発"),
            ),
            DemoVariant(
                "mastodon",
                (
                    "ROS 1→ROS 2移行の記録を公開しました。ros1_bridgeでの段階移行、"
                    "QoS設定の落とし穴、実機試験の回し方など。ツッコミ歓迎です"
                ),
                ("ROS2", "robotics"),
            ),
            DemoVariant(
                "bluesky",
                (
                    "会社の技術ブログにROS 2移行の話を書きました。長いですが、"
                    "ハマりどころの一覧だけでも役に立つはず"
                ),
            ),
        ),
    ),
    DemoContent(
        key="tech-rust-firmware",
        topics=("tech",),
        title="力覚センサーのファームウェアをRustで書き直した — 組込みRustを製品に入れるまで",
        url="https://www.mirai-seisakusho.example/tech-blog/2026/rust-embedded-firmware/",
        summary=(
            "C言語で書かれていた力覚センサーのファームウェアを、"
            "Rustで書き直したプロジェクトの記録です。HALの選定、割り込み処理の設計、"
            "既存のCコードとの共存、量産前の検証で見えた課題をまとめています。"
        ),
        note=(
            "組込みRustの実例はまだ少なく、エンジニアのコミュニティで注目されやすいテーマです。"
            "採用広報にもつながります。"
        ),
        status="published",
        publish_in_days=-22,
        variants=(
            DemoVariant(
                "",
                (
                    "センサーのファームウェアをRustで書き直した話を技術ブログに書きました。"
                    "量産品に入れるまでに考えたことを、"
                    "いいところも困ったところも含めてまとめています。"
                ),
                ("Rust", "組込み"),
            ),
            DemoVariant(
                "x",
                (
                    "組込みRust、製品に入れました。"
                    "割り込みまわりの設計とCとの共存の話を書いたので、気になっている人はどうぞ"
                ),
                ("Rust", "組込み"),
            ),
            DemoVariant(
                "x",
                (
                    "Rustにして変わったのは、レビューで「この変数、ほかのタスクから触られない？」"
                    "と聞く回数が減ったことかもしれない。詳しくはブログで"
                ),
                ("Rust",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "私たちのチームで、"
                    "力覚センサーのファームウェアをC言語からRustへ書き直しました。"
                    "その過程を技術ブログにまとめています。メモリ安全性の恩恵だけでなく、"
                    "ツールチェーンの検証や既存コードとの共存など、"
                    "製品に採用するうえでの現実的な課題も率直に書きました。"
                    "組込み開発に携わる方の参考になれば幸いです。"
                ),
                ("組込みRust", "ファームウェア"),
            ),
            DemoVariant(
                "mastodon",
                (
                    "組込みRustで量産ファームを書いた記録です。embedded-halまわりの選定、"
                    "RTICでの割り込み設計、FFIでのC資産との共存あたり"
                ),
                ("rust", "embedded"),
            ),
        ),
    ),
    DemoContent(
        key="tech-firmware-ci-cd",
        topics=("tech",),
        title="ファームウェアにもCI/CDを：実機テストベンチを自動化して、毎晩200ケースを回すまで",
        url="https://www.mirai-seisakusho.example/tech-blog/2026/firmware-ci-cd/",
        summary=(
            "ロボットコントローラーのファームウェア開発で、"
            "ビルドから実機での結合テストまでを自動化した取り組みを紹介します。"
            "テストベンチの設計、不安定なテストとの付き合い方、"
            "リリース判定の仕組みについて解説します。"
        ),
        note=(
            "「製造業でもモダンな開発をしている」と伝わる記事です。"
            "ソフトウェア職の採用にも効いてきます。"
        ),
        status="published",
        publish_in_days=-14,
        variants=(
            DemoVariant(
                "",
                (
                    "ファームウェアの実機テストを毎晩自動で回す仕組みを作った話です。"
                    "テストベンチの配線から、たまに落ちるテストとの付き合い方まで書きました。"
                ),
                ("CICD", "ファームウェア"),
            ),
            DemoVariant(
                "x",
                (
                    "実機が要るテストでもCIは回せる、という話を書きました。毎晩200ケース、"
                    "朝来たら結果が出ています"
                ),
                ("CICD", "組込み"),
            ),
            DemoVariant(
                "linkedin",
                (
                    "ロボットコントローラーのファームウェア開発で、"
                    "実機を使った結合テストまで自動化したCI/CDの取り組みを技術ブログで紹介しまし"
                    "た。ハードウェアが絡むテストは自動化が難しいと思われがちですが、"
                    "テストベンチの設計と運用を工夫することで、毎晩の自動実行が定着しました。"
                    "同じ課題を持つ組込みエンジニアの方と意見交換できたらうれしいです。"
                ),
                ("CICD", "組込み開発"),
            ),
            DemoVariant(
                "threads",
                (
                    "会社の技術ブログに、ファームウェアのCIの話が出ました。"
                    "テストベンチの写真がかっこいいので、それだけでも見てほしい"
                ),
            ),
        ),
    ),
    DemoContent(
        key="tech-anomaly-detection",
        topics=("tech",),
        title="良品画像だけで外観検査はできるか — 異常検知モデルを量産ラインに入れるまでの1年",
        url="https://www.mirai-seisakusho.example/tech-blog/2026/anomaly-detection-inspection/",
        summary=(
            "不良品のサンプルがほとんど集まらない工程で、"
            "良品画像のみから学習する異常検知モデルを導入した事例です。"
            "照明条件のばらつきへの対処や、誤検出を減らすための評価指標の決め方を紹介します。"
        ),
        note=(
            "画像認識を学ぶ学生や研究者にも読まれている記事です。AI・"
            "画像処理に関心のある知り合いにどうぞ。"
        ),
        status="published",
        publish_in_days=-55,
        variants=(
            DemoVariant(
                "",
                (
                    "良品画像だけで学習する異常検知モデルを、量産ラインに入れるまでの記録です。"
                    "論文では見かけない、照明と誤検出の地道な話が中心です。"
                ),
                ("画像認識", "異常検知"),
            ),
            DemoVariant(
                "x",
                (
                    "外観検査の異常検知、"
                    "精度の数字より「誤検出でラインが止まったとき誰が見に行くか」"
                    "の方が大事だった、という話を書きました"
                ),
                ("画像認識",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "私たちのチームで取り組んだ、"
                    "良品画像のみで学習する異常検知モデルの量産ライン導入について、"
                    "技術ブログで紹介しています。研究段階では見えにくい照明条件のばらつきや、"
                    "現場が納得できる評価指標の設計など、実運用に向けた工夫をまとめました。"
                    "画像認識の実務に関心のある方に、ぜひ読んでいただきたいです。"
                ),
                ("画像認識", "外観検査", "機械学習"),
            ),
        ),
    ),
    DemoContent(
        key="tech-qa-fmea",
        topics=("tech",),
        title="品質保証の現場から：FMEAを「書いて終わり」にしないために",
        url="https://www.mirai-seisakusho.example/tech-blog/2026/qa-fmea-practice/",
        summary=(
            "名古屋工場の品質保証課が、"
            "設計FMEAと工程FMEAを実際の不具合対策につなげるための運用を紹介します。"
            "設計部門とのレビューの進め方や、市場不具合のフィードバックの仕組みにも触れています。"
        ),
        note=(
            "品質保証の仕事は外から見えにくいものです。"
            "品質に関わる皆さんの仕事を知ってもらう機会として、ぜひ共有してください。"
        ),
        status="published",
        publish_in_days=0,
        variants=(
            DemoVariant(
                "",
                (
                    "品質保証課で取り組んでいるFMEAの運用について、技術ブログに書きました。"
                    "書類づくりで終わらせず、設計との会話を増やすための工夫を紹介しています。"
                ),
                ("品質保証", "FMEA"),
            ),
            DemoVariant(
                "x",
                (
                    "FMEA、書くだけで疲れてしまうこと多くないですか。"
                    "うちの課でやっている「レビューの場で使う」工夫をまとめました"
                ),
                ("品質保証",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "名古屋工場の品質保証課として、"
                    "FMEAを実際の不具合予防につなげるための取り組みを技術ブログで紹介しました。"
                    "設計部門と一緒にリスクを洗い出す場づくりや、"
                    "市場で起きた不具合を次の設計に反映する仕組みなど、"
                    "日々の運用の工夫をまとめています。"
                    "ものづくりの品質に関わる方の参考になればうれしいです。"
                ),
                ("品質保証", "ものづくり"),
            ),
        ),
    ),
    DemoContent(
        key="tech-ros2-migration-en",
        topics=("tech",),
        title="Moving a fleet of AGVs to ROS 2 without stopping the factory",
        url="https://www.mirai-seisakusho.example/en/tech-blog/2026/ros2-migration/",
        summary=(
            "The English edition of our article on moving the HAKOBU AGV software stack from ROS "
            "1 to ROS 2 over two years. It covers the bridge-based incremental approach, DDS "
            "tuning and how we tested on real vehicles."
        ),
        note=(
            "Share this with the international robotics community. It is also a good "
            "introduction to our engineering culture for overseas candidates."
        ),
        status="published",
        publish_in_days=-33,
        languages=("en",),
        variants=(
            DemoVariant(
                "",
                (
                    "We moved the software of our HAKOBU AGVs from ROS 1 to ROS 2 over two "
                    "years, without stopping customers' factories. Here's what we learned."
                ),
                ("ROS2", "robotics"),
            ),
            DemoVariant(
                "x",
                (
                    "Two years, one fleet of AGVs, no planned downtime: our ROS 1 to ROS 2 "
                    "migration story, now in English."
                ),
                ("ROS2",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "My team has published an English version of our ROS 2 migration story. We "
                    "moved the software of our AGV product line from ROS 1 to ROS 2 step by "
                    "step, using bridges, while vehicles kept running in customers' plants. The "
                    "article covers DDS tuning, QoS pitfalls and how we tested on real hardware. "
                    "I hope it helps anyone planning a similar move."
                ),
                ("ROS2", "robotics", "softwareengineering"),
            ),
            DemoVariant(
                "mastodon",
                (
                    "English write-up of our ROS 1 → ROS 2 migration for a fleet of industrial "
                    "AGVs: ros1_bridge, QoS surprises, and hardware-in-the-loop tests."
                ),
                ("ROS2", "robotics"),
            ),
        ),
    ),
    DemoContent(
        key="tech-internal-hackathon-report",
        topics=("tech", "event"),
        title="社内ハッカソン2026 開催レポート：24時間でAGVとロボットアームに新しい連携機能を",
        url="https://www.mirai-seisakusho.example/tech-blog/2026/internal-hackathon-report/",
        summary=(
            "開発本部と製造本部の有志約60名が参加した社内ハッカソンのレポートです。"
            "AGVとロボットアームの連携、検査データの可視化など、"
            "24時間で生まれた12チームの成果を紹介します。"
        ),
        note=(
            "部署を越えて集まった社内イベントの様子です。参加した方もしなかった方も、"
            "会社の雰囲気を伝える材料にどうぞ。"
        ),
        status="published",
        publish_in_days=-28,
        variants=(
            DemoVariant(
                "",
                (
                    "社内ハッカソンのレポートが公開されました。"
                    "製造の現場の人と開発者が混ざったチームが多くて、"
                    "毎年アイデアの出方が違って面白いです。"
                ),
                ("ハッカソン", "技術ブログ"),
            ),
            DemoVariant(
                "x",
                (
                    "社内ハッカソン、今年はAGVがロボットアームを迎えに行くデモを作りました。"
                    "24時間で動いたのは奇跡です"
                ),
                ("ハッカソン",),
            ),
            DemoVariant(
                "x",
                (
                    "ハッカソンのレポートに、うちのチームの写真が載ってました。"
                    "深夜2時の顔はちょっと見せられない"
                ),
                ("社内イベント",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "先日開催された社内ハッカソンのレポートが技術ブログで公開されました。"
                    "開発本部と製造本部の有志が部署を越えてチームを組み、"
                    "24時間で12の成果が生まれました。"
                    "普段の業務では接点の少ない現場のメンバーと組むことで、"
                    "課題の捉え方が大きく変わる経験ができました。"
                ),
                ("ハッカソン", "ものづくり"),
            ),
        ),
    ),
    DemoContent(
        key="tech-cobot-safety-standards",
        topics=("tech",),
        title="協働ロボットの安全規格を設計にどう落とし込むか — ISO 10218とISO/TS 15066を読み解く",
        url="https://www.mirai-seisakusho.example/tech-blog/2026/cobot-safety-standards/",
        summary=(
            "協働ロボットの開発で参照する安全規格のポイントを、設計者の視点から解説します。"
            "接触時の許容力の考え方や、リスクアセスメントと設計の往復について、"
            "具体例を交えて紹介します。"
        ),
        note="ロボットの安全に関わるエンジニアや、導入を検討するお客様の技術者にも役立つ記事です。",
        status="in_review",
        publish_in_days=8,
        variants=(
            DemoVariant(
                "",
                (
                    "協働ロボットの安全規格について、設計の立場から技術ブログを書きました。"
                    "規格の条文を実際の設計判断にどう結びつけるかを中心にしています。"
                ),
                ("協働ロボット", "安全設計"),
            ),
            DemoVariant(
                "x",
                (
                    "ISO/TS 15066の許容接触力の表、最初に読んだときは途方に暮れました。"
                    "設計者目線で読み解いた記事を書いたので、同じ境遇の人にどうぞ"
                ),
                ("安全規格",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "協働ロボットの開発に携わる設計者として、安全規格ISO 10218とISO/TS "
                    "15066を設計にどう反映しているかを技術ブログにまとめました。"
                    "規格の要求とリスクアセスメントを行き来しながら、"
                    "具体的な設計仕様に落とし込む過程を例を挙げて紹介しています。"
                    "ロボットの安全設計に取り組む方の参考になればうれしいです。"
                ),
                ("機能安全", "ロボット"),
            ),
        ),
    ),
    # Deliberately risky: the X text names the internal code name 「プロジェクト銀河」.
    DemoContent(
        key="tech-realtime-linux",
        topics=("tech",),
        title="次世代ロボットコントローラーを支えるリアルタイムLinux — PREEMPT_RTでの遅延計測",
        url="https://www.mirai-seisakusho.example/tech-blog/2026/realtime-linux-controller/",
        summary=(
            "ロボットコントローラーのOSとして、"
            "PREEMPT_RTパッチを適用したLinuxを評価した記録です。周期処理の遅延を計測する方法と、"
            "遅延を悪化させる要因の切り分け方を紹介します。"
        ),
        note=(
            "組込みLinuxのエンジニアに響く内容です。公開前に、"
            "未発表製品に触れる記述がないか確認しています。"
        ),
        status="draft",
        variants=(
            DemoVariant(
                "",
                (
                    "リアルタイムLinuxでロボット制御の周期処理がどこまで安定するか、"
                    "計測した結果を技術ブログにまとめました。"
                ),
                ("リアルタイムLinux", "組込み"),
            ),
            DemoVariant(
                "x",
                (
                    "いまプロジェクト銀河で作っている次世代コントローラー、"
                    "リアルタイムLinuxの遅延計測をブログにしました。最悪値を詰める作業は沼です"
                ),
                ("PREEMPT_RT",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "ロボットコントローラーのOSとして、"
                    "PREEMPT_RTを適用したLinuxを評価した結果を技術ブログで紹介します。"
                    "周期処理の遅延をどう計測し、"
                    "遅延を悪化させる要因をどう切り分けたかを具体的にまとめました。"
                    "リアルタイム制御に取り組むエンジニアの方と知見を交換できればうれしいです。"
                ),
                ("組込みLinux", "リアルタイム"),
            ),
        ),
    ),
    DemoContent(
        key="tech-oss-bag-viewer",
        topics=("tech",),
        title="社内ツール「mirai-bag-viewer」をオープンソースで公開しました",
        url="https://www.mirai-seisakusho.example/tech-blog/2026/oss-bag-viewer/",
        summary=(
            "ロボットの走行ログ（rosbag）をブラウザで手軽に再生・比較できる社内ツールを、Apache "
            "License 2.0で公開しました。開発の経緯と、"
            "社外の方にも使っていただくために整理した点を紹介します。"
        ),
        note=(
            "社内で育ててきたツールをOSSとして公開します。エンジニアの方は、"
            "使ってみた感想やフィードバックで応援してください。"
        ),
        status="approved",
        variants=(
            DemoVariant(
                "",
                (
                    "社内で使っていたrosbagのビューアをオープンソースにしました。"
                    "ブラウザだけで走行ログを再生して、2つの走行を並べて比べられます。"
                ),
                ("OSS", "ROS2"),
            ),
            DemoVariant(
                "x",
                (
                    "社内ツールをOSSにしました。"
                    "AGVのログを見比べるためだけに作ったビューアですが、"
                    "ROS使いの方なら便利だと思います。Issue歓迎です"
                ),
                ("OSS", "ROS2"),
            ),
            DemoVariant(
                "mastodon",
                (
                    "rosbag（ROS 2のmcap形式を含む）をブラウザで再生・"
                    "比較できるビューアを公開しました。ライセンスはApache-2.0です。"
                    "PRもお待ちしています"
                ),
                ("ROS2", "opensource"),
            ),
            DemoVariant(
                "linkedin",
                (
                    "私たちのチームで開発してきたログ可視化ツールを、"
                    "オープンソースとして公開しました。"
                    "AGVやロボットアームの走行ログをブラウザで再生し、"
                    "複数の走行を並べて比較できます。社内の改善から生まれたツールが、"
                    "ROSコミュニティの皆さんの開発にも役立てばうれしいです。"
                ),
                ("オープンソース", "ROS2"),
            ),
        ),
    ),
    DemoContent(
        key="tech-fa-meetup-12",
        topics=("tech", "event"),
        title=(
            "FAエンジニア勉強会 #12 を名古屋で開催します — テーマは「段取り替えをソフトで短くする」"
        ),
        url="https://www.mirai-seisakusho.example/events/2026/fa-engineers-meetup-12/",
        summary=(
            "工場の自動化に携わるエンジニアが集まる勉強会の第12回を、"
            "名古屋駅近くの会場で開催しました。当社の生産技術エンジニアのほか、"
            "社外のゲストも登壇しました。"
        ),
        note="終了したイベントです。次回の告知が出たら、そちらを共有してください。",
        status="expired",
        publish_in_days=-40,
        expire_in_days=-20,
        variants=(
            DemoVariant(
                "",
                (
                    "FAエンジニア勉強会の12回目を名古屋でやります。今回のテーマは段取り替え。"
                    "私も5分のLTで出ます。"
                ),
                ("FA勉強会", "名古屋"),
            ),
            DemoVariant(
                "x",
                (
                    "名古屋でFAの勉強会をやります。段取り替えの時間をソフトで削った話、"
                    "現場の人ほど刺さると思います。懇親会もあります"
                ),
                ("FA勉強会",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "工場自動化に携わるエンジニアの勉強会を名古屋で開催します。"
                    "今回は段取り替えの短縮をテーマに、"
                    "当社の生産技術エンジニアと社外のゲストが事例を紹介します。"
                    "業界や会社を越えて、現場の工夫を共有できる場になればと思います。"
                ),
                ("FA", "生産技術"),
            ),
        ),
    ),
    DemoContent(
        key="tech-python3-migration",
        topics=("tech",),
        title="検査装置の画像処理をPython 2から3へ移行した記録",
        url="https://www.mirai-seisakusho.example/tech-blog/2025/python3-migration/",
        summary=(
            "画像検査装置の社内向け処理スクリプト群をPython 3へ移行した際の手順と、"
            "テストの整備方法をまとめた記事です。"
        ),
        note="数年前の記事で、内容が現在の開発環境と異なるためアーカイブしました。",
        status="archived",
        publish_in_days=-320,
        variants=(
            DemoVariant(
                "",
                (
                    "画像検査装置のスクリプトをPython 3に移行した記録を書きました。"
                    "テストがないコードをどう安全に移すか、という話です。"
                ),
                ("Python", "技術ブログ"),
            ),
            DemoVariant(
                "x",
                (
                    "Python 2のコード、まだ残っていませんか。"
                    "うちは検査装置のスクリプトをようやく移行しました。結局、"
                    "テストを先に書くのが近道でした"
                ),
                ("Python",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "画像検査装置の処理スクリプト群をPython "
                    "3へ移行した取り組みを技術ブログで紹介しました。"
                    "テストが十分でないコードを安全に移行するために、"
                    "まず現状の出力を固定するテストから整備した手順をまとめています。"
                ),
                ("Python", "レガシーコード"),
            ),
        ),
    ),
    DemoContent(
        key="tech-llm-ladder-review",
        topics=("tech",),
        title="生成AIにPLCのラダー図をレビューさせてみた（実験メモ）",
        url="https://www.mirai-seisakusho.example/tech-blog/2026/llm-ladder-review/",
        summary=(
            "ラダー図をテキスト形式に変換し、大規模言語モデルにレビューさせる実験を行いました。"
            "指摘の傾向と、現時点での限界をまとめます。"
        ),
        note="下書きです。社内の設備情報が写り込んでいないか確認してから申請します。",
        status="draft",
        variants=(
            DemoVariant(
                "x",
                (
                    "生成AIにラダー図のレビューを頼んでみた実験メモを書いています。"
                    "意外と鋭い指摘もあって、評価が難しい"
                ),
                ("生成AI", "PLC"),
            ),
        ),
    ),
    DemoContent(
        key="tech-hil-test-parallelism",
        topics=("tech",),
        title="テストベンチを増やさずにHILテストの並列度を上げる",
        url="https://www.mirai-seisakusho.example/tech-blog/2026/hil-test-parallelism/",
        summary=(
            "実機を使ったHIL（Hardware-in-the-Loop）テストで、"
            "限られた台数のテストベンチを効率よく使うためのスケジューリングの工夫を紹介します。"
        ),
        note=(
            "ファームウェアのCI/CDの記事の続編です。公開されたら、前編とあわせて紹介してください。"
        ),
        status="draft",
        publish_in_days=20,
    ),
    # CSR
    DemoContent(
        key="csr-tree-planting-nagoya",
        topics=("csr",),
        title="名古屋工場周辺の里山で植樹活動を行いました — 社員とご家族 約120名が参加",
        url="https://www.mirai-seisakusho.example/csr/activity/2026/tree-planting-nagoya/",
        summary=(
            "地元の森林組合の皆さんと協力し、"
            "名古屋工場近くの里山にコナラやヤマザクラなど約300本の苗木を植えました。"
            "毎年続けている活動で、今年は社員のご家族も多く参加してくださいました。"
        ),
        note=(
            "社員の家族も参加した温かい活動です。参加された方は、"
            "写真と一緒にご自身の感想を添えてもらえるとうれしいです。"
        ),
        status="published",
        publish_in_days=-16,
        variants=(
            DemoVariant(
                "",
                (
                    "名古屋工場の近くの里山で植樹をしてきました。家族で参加して、"
                    "子どもが自分で植えた苗木に名札をつけていました。"
                    "何年後に大きくなるか楽しみです。"
                ),
                ("植樹", "名古屋"),
            ),
            DemoVariant(
                "x",
                (
                    "会社の植樹活動に家族で参加しました。コナラの苗を3本。筋肉痛ですが、"
                    "気持ちのいい一日でした"
                ),
                ("植樹", "里山"),
            ),
            DemoVariant(
                "instagram",
                (
                    "会社の植樹活動へ🌱\n\n名古屋工場のそばの里山に\n"
                    "みんなで約300本の苗木を植えました。\n\n息子が植えたヤマザクラ、\n"
                    "咲くのは何年後かな。"
                ),
                ("植樹", "里山", "名古屋"),
            ),
            DemoVariant(
                "facebook",
                (
                    "勤務先の植樹活動に家族で参加してきました。森林組合の方に教わりながら、"
                    "ヤマザクラとコナラを植えました。毎年続けている活動なので、"
                    "来年もまた様子を見に行きたいと思います。"
                ),
            ),
        ),
    ),
    DemoContent(
        key="csr-kids-robot-class",
        topics=("csr", "event"),
        title="子ども向けものづくり教室「ロボットを動かしてみよう」参加者募集（小学4〜6年生）",
        url="https://www.mirai-seisakusho.example/csr/activity/2026/kids-robot-class/",
        summary=(
            "東京本社と名古屋工場で、小学4〜6年生を対象にしたものづくり教室を開きます。"
            "簡単なプログラミングで小さなロボットアームを動かし、"
            "ものをつかんで運ぶ仕組みを体験してもらいます。参加は無料で、"
            "応募者多数の場合は抽選です。"
        ),
        note=(
            "ご近所やお子さんの学校のお友だちに届くと、地域とのつながりが深まります。"
            "参加費は無料です。"
        ),
        status="published",
        publish_in_days=-2,
        expire_in_days=25,
        variants=(
            DemoVariant(
                "",
                (
                    "子ども向けのものづくり教室をやります。"
                    "小さなロボットアームをプログラミングで動かして、"
                    "お菓子をつかんで運ぶまでがゴールです。小学4〜6年生が対象です。"
                ),
                ("ものづくり教室", "プログラミング"),
            ),
            DemoVariant(
                "x",
                (
                    "会社の子ども向けロボット教室、今年も講師をやります。毎年、"
                    "大人より子どもの方が飲み込みが早くて焦ります"
                ),
                ("ロボット教室",),
            ),
            DemoVariant(
                "instagram",
                (
                    "子ども向けロボット教室🤖\n\nプログラミングで\n"
                    "ロボットアームを動かしてみよう。\n\n対象は小学4〜6年生。\n"
                    "東京と名古屋で開催します。"
                ),
                ("ものづくり教室", "子ども向けイベント", "プログラミング"),
            ),
            DemoVariant(
                "line",
                (
                    "会社で小学生向けのロボット教室をやるよ。無料なので、"
                    "興味ありそうなお子さんがいたらどうぞ！"
                ),
            ),
        ),
    ),
    DemoContent(
        key="csr-clean-day",
        topics=("csr",),
        title="地域清掃「みらいクリーンデー」を東京・大阪・名古屋の3拠点で実施しました",
        url="https://www.mirai-seisakusho.example/csr/activity/2026/clean-day/",
        summary=(
            "各拠点の周辺道路や公園で、社員約250名がごみ拾いを行いました。"
            "名古屋工場では近隣の自治会の皆さんと合同で実施し、"
            "用水路沿いの清掃にも取り組みました。"
        ),
        note=(
            "小さな活動ですが、地域の方との大切な接点です。参加した拠点の写真があれば、"
            "一緒に投稿してください。"
        ),
        status="published",
        publish_in_days=-7,
        variants=(
            DemoVariant(
                "",
                (
                    "朝からオフィスのまわりでごみ拾いをしました。3拠点同時開催で、"
                    "大阪支社は20人ほどで駅までの道をきれいにしました。"
                ),
                ("地域清掃", "クリーンデー"),
            ),
            DemoVariant(
                "x",
                (
                    "クリーンデーで本社のまわりを清掃。たばこの吸い殻が想像の倍落ちていました。"
                    "1時間でも気づくことがありますね"
                ),
                ("地域清掃",),
            ),
            DemoVariant(
                "x",
                (
                    "名古屋工場は自治会のみなさんと合同でクリーンデー。用水路沿いを歩いていたら、"
                    "ご近所の方に「いつもありがとう」と声をかけてもらえました"
                ),
                ("名古屋",),
            ),
            DemoVariant(
                "facebook",
                (
                    "勤務先の地域清掃に参加しました。"
                    "名古屋工場では近くの自治会の方々とご一緒して、"
                    "用水路沿いまできれいにできました。地域の一員としてできることを、"
                    "これからも続けていきたいです。"
                ),
            ),
        ),
    ),
    DemoContent(
        key="csr-solar-nagoya",
        topics=("csr",),
        title="名古屋工場の屋根に太陽光発電設備を設置 — 工場の年間使用電力の約2割をまかないます",
        url="https://www.mirai-seisakusho.example/csr/environment/2026/solar-nagoya/",
        summary=(
            "名古屋工場の第1・第2製造棟の屋根に太陽光パネルを設置し、稼働を始めました。"
            "年間の使用電力の約2割を自家発電でまかない、CO2排出量の削減につなげます。"
        ),
        note=(
            "毎日働いている建物での取り組みです。名古屋工場の皆さんから、"
            "地元の知り合いに紹介してください。"
        ),
        status="published",
        publish_in_days=-48,
        locations=("NGO",),
        variants=(
            DemoVariant(
                "",
                (
                    "毎日働いている名古屋工場の屋根に、太陽光パネルが並びました。"
                    "工場で使う電気の約2割をここでまかなうそうです。"
                ),
                ("太陽光発電", "名古屋工場"),
            ),
            DemoVariant(
                "x",
                (
                    "出勤したら、工場の屋根一面にパネルが。"
                    "休憩所のモニターで今日の発電量が見られるのが、ちょっと楽しい"
                ),
                ("太陽光発電",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "私が勤務する名古屋工場で、屋根に設置した太陽光発電設備が稼働を始めました。"
                    "工場の年間使用電力の約2割をまかなう計画です。ものづくりの現場として、"
                    "環境負荷を減らす取り組みを一つずつ積み重ねていきたいと思います。"
                ),
                ("脱炭素", "製造業"),
            ),
        ),
    ),
    DemoContent(
        key="csr-solar-nagoya-en",
        topics=("csr",),
        title="Rooftop solar now supplies about 20% of our Nagoya plant's electricity",
        url="https://www.mirai-seisakusho.example/en/csr/2026/solar-nagoya/",
        summary=(
            "Solar panels on the roofs of two production buildings at our Nagoya plant have "
            "started generating power. They cover about a fifth of the plant's annual "
            "electricity use and reduce its CO2 emissions."
        ),
        note=(
            "An easy, positive story for international customers and partners who ask about our "
            "sustainability efforts."
        ),
        status="published",
        publish_in_days=-44,
        languages=("en",),
        variants=(
            DemoVariant(
                "",
                (
                    "The roofs of our Nagoya plant are now covered with solar panels, supplying "
                    "about a fifth of the electricity we use to build robots there."
                ),
                ("sustainability", "solar"),
            ),
            DemoVariant(
                "x",
                (
                    "Our Nagoya plant now makes about 20% of its own electricity from rooftop "
                    "solar. A small step, with real panels."
                ),
                ("solar",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "Sustainability is a question I hear more and more from customers abroad. "
                    "I'm glad to share that rooftop solar at Mirai Seisakusho's Nagoya plant now "
                    "covers about 20% of the plant's annual electricity use. It's one step in "
                    "reducing the footprint of how we make our robots."
                ),
                ("sustainability", "manufacturing"),
            ),
        ),
    ),
    DemoContent(
        key="csr-childcare-support",
        topics=("csr", "saiyo"),
        title="育児と仕事の両立を後押し — 「みらい子育てサポート制度」を拡充しました",
        url="https://www.mirai-seisakusho.example/csr/people/2026/childcare-support/",
        summary=(
            "育児休業中の社員向けの情報共有会や、復職後の短時間勤務の対象期間の延長など、"
            "子育て中の社員を支える制度を拡充しました。男性社員の育児休業の取得も、"
            "職場ぐるみで後押ししています。"
        ),
        note=(
            "働きやすさは、採用でもよく質問されるテーマです。"
            "制度を使ったことのある方の実感を添えると、よく伝わります。"
        ),
        status="published",
        publish_in_days=-26,
        variants=(
            DemoVariant(
                "",
                (
                    "子育て中の社員向けの制度が拡充されました。私も昨年、"
                    "2か月の育休を取りました。職場のみんなが仕事を分担してくれて、"
                    "安心して休めました。"
                ),
                ("育休", "働き方"),
            ),
            DemoVariant(
                "x",
                (
                    "男性で育休を2か月取った身として、制度が広がるのはうれしい。"
                    "復職後の短時間勤務も延びたので、保育園の送り迎えが少し楽になりそう"
                ),
                ("育休", "子育て"),
            ),
            DemoVariant(
                "linkedin",
                (
                    "勤務先で、子育てと仕事の両立を支える制度が拡充されました。"
                    "私自身も育児休業を取得しましたが、制度以上に、"
                    "職場の理解と仕事の引き継ぎの仕組みがあることが心強かったです。製造業でも、"
                    "誰もが働き続けやすい環境づくりが進んでいることを知っていただけたらと思います"
                    "。"
                ),
                ("働き方", "ダイバーシティ"),
            ),
        ),
    ),
    DemoContent(
        key="csr-report-2026",
        topics=("csr",),
        title="サステナビリティレポート2026を公開しました",
        url="https://www.mirai-seisakusho.example/csr/report/2026/",
        summary=(
            "環境・社会・ガバナンスに関する当社の取り組みと実績をまとめた、"
            "サステナビリティレポートの2026年版です。"
        ),
        note="公開日は取締役会の承認後に決まります。推奨文は公開直前に追加します。",
        status="draft",
        publish_in_days=40,
    ),
    DemoContent(
        key="csr-blood-donation-tokyo",
        topics=("csr",),
        title="東京本社で献血会を実施します",
        url="https://www.mirai-seisakusho.example/csr/activity/2026/blood-donation-tokyo/",
        summary=(
            "日本赤十字社の献血バスが東京本社に来訪しました。社員のほか、"
            "同じビルで働く皆さんにもご協力いただきました。"
        ),
        note="東京本社の皆さん向けです。受付は終了しました。ご協力ありがとうございました。",
        status="expired",
        publish_in_days=-30,
        expire_in_days=-12,
        locations=("TKY",),
        variants=(
            DemoVariant(
                "",
                (
                    "来週、本社に献血バスが来ます。同じビルの方も参加できるので、"
                    "よかったらご協力お願いします。"
                ),
                ("献血",),
            ),
            DemoVariant(
                "x",
                (
                    "本社に献血バスが来るので、久しぶりに献血してきます。400mlいけるように、"
                    "前日はちゃんと寝ます"
                ),
                ("献血",),
            ),
            DemoVariant(
                "facebook",
                (
                    "勤務先のビルに献血バスが来ます。近くで働いている方、"
                    "もしよければ一緒に協力しませんか。"
                ),
            ),
        ),
    ),
    DemoContent(
        key="csr-high-school-robot-club",
        topics=("csr",),
        title="地元の工業高校ロボット部に、部品提供と技術指導を始めました",
        url="https://www.mirai-seisakusho.example/csr/activity/2026/high-school-robot-club/",
        summary=(
            "名古屋工場近隣の工業高校のロボット部に対し、モーターやセンサーなどの部品提供と、"
            "社員による月1回の技術指導を始めました。"
            "ロボット競技大会への出場を目指す生徒たちを応援します。"
        ),
        note=(
            "次の世代のものづくりを応援する取り組みです。教える側として参加している社員の声を、"
            "ぜひ一緒に届けてください。"
        ),
        status="approved",
        variants=(
            DemoVariant(
                "",
                (
                    "地元の工業高校のロボット部で、月に一度技術指導をしています。"
                    "生徒さんの発想が自由で、こちらが教わることも多いです。"
                ),
                ("ロボット部", "ものづくり"),
            ),
            DemoVariant(
                "x",
                (
                    "工業高校のロボット部に教えに行ってきました。"
                    "モーターの選び方を質問攻めにされて、1時間があっという間でした"
                ),
                ("ロボット部",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "勤務先の取り組みとして、"
                    "名古屋工場近くの工業高校ロボット部への部品提供と技術指導を始めました。"
                    "私も指導役の一人として参加しています。"
                    "競技大会を目指す生徒たちと話していると、ものづくりの原点を思い出します。"
                ),
                ("次世代育成", "ものづくり"),
            ),
        ),
    ),
    DemoContent(
        key="csr-packaging-reuse",
        topics=("csr",),
        title="梱包材のリユースで段ボール使用量を削減 — 名古屋工場と協力会社の取り組み",
        url="https://www.mirai-seisakusho.example/csr/environment/2026/packaging-reuse/",
        summary=(
            "部品の納入に使う梱包材を、協力会社と共同で繰り返し使える通い箱に切り替えています。"
            "段ボールの使用量と廃棄物の削減につながっています。"
        ),
        note=(
            "現場の地道な改善が形になった取り組みです。"
            "協力会社の皆さんへの感謝も込めて紹介してください。"
        ),
        status="in_review",
        variants=(
            DemoVariant(
                "",
                (
                    "部品の納入に使う箱を、使い捨ての段ボールから通い箱に切り替えています。"
                    "協力会社のみなさんと一緒に進めてきた改善です。"
                ),
                ("通い箱", "環境"),
            ),
            DemoVariant(
                "x",
                (
                    "工場の資材置き場から段ボールの山が減ってきました。通い箱への切り替え、"
                    "地味だけど効いてます"
                ),
                ("環境",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "名古屋工場では、協力会社の皆さまと協力して、"
                    "部品の納入に使う梱包材を通い箱へ切り替える取り組みを進めています。"
                    "資材調達の担当として、"
                    "物流の手間を増やさずに廃棄物を減らす方法を一緒に考えてきました。"
                    "サプライチェーン全体で環境負荷を下げる取り組みを、これからも続けていきます。"
                ),
                ("サプライチェーン", "環境"),
            ),
        ),
    ),
    DemoContent(
        key="csr-volunteer-leave",
        topics=("csr",),
        title="ボランティア休暇を使ってみました — 社員3名の体験談",
        url="https://www.mirai-seisakusho.example/csr/people/2026/volunteer-leave/",
        summary=(
            "年に3日取得できるボランティア休暇を使って、"
            "災害復興支援や子ども食堂の手伝いに参加した社員の体験談を紹介します。"
        ),
        note="インタビュー原稿を調整中です。",
        status="draft",
        variants=(
            DemoVariant(
                "",
                (
                    "ボランティア休暇を使って子ども食堂のお手伝いに行った話を、"
                    "社内のインタビューで話しました。"
                ),
                ("ボランティア",),
            ),
        ),
    ),
    # イベント
    DemoContent(
        key="event-irex",
        topics=("event", "seihin"),
        title=(
            "国際ロボット展に出展します — 「ミライアーム X1」と「ハコブ」"
            "の連携デモを実機でご覧いただけます"
        ),
        url="https://www.mirai-seisakusho.example/events/2026/irex/",
        summary=(
            "東京ビッグサイトで開催される国際ロボット展に出展します。当社ブースでは、"
            "ミライアーム X1をAGV「ハコブ」に搭載した移動型ピッキングのデモや、"
            "画像検査システム「ミルメ」との組み合わせをご紹介します。"
        ),
        note=(
            "当社にとって大切な展示会です。お客様や取引先に「ブースでお待ちしています」"
            "と声をかけてください。"
        ),
        status="scheduled",
        publish_in_days=18,
        expire_in_days=45,
        promotional=True,
        campaign="x1-launch",
        variants=(
            DemoVariant(
                "",
                (
                    "国際ロボット展に出展します。自社のX1をAGVに載せて、"
                    "移動しながらピッキングするデモを準備中です。会場でお会いしましょう。"
                ),
                ("国際ロボット展", "ミライアームX1"),
            ),
            DemoVariant(
                "x",
                (
                    "みらい製作所のブース、今年は国際ロボット展でX1とハコブの合体デモをやります。"
                    "説明員として立っているので声をかけてください"
                ),
                ("国際ロボット展",),
            ),
            DemoVariant(
                "x",
                (
                    "展示会の準備で毎日デモ機とにらめっこ中。自社製品ですが、"
                    "動くところを見るとやっぱりワクワクします"
                ),
                ("国際ロボット展", "ロボット"),
            ),
            DemoVariant(
                "linkedin",
                (
                    "みらい製作所は国際ロボット展に出展します。ブースでは、"
                    "協働ロボットアーム「ミライアーム X1」をAGV「ハコブ」"
                    "に搭載した移動型ピッキングのデモや、画像検査システム「ミルメ」"
                    "との連携をご覧いただけます。私も説明員として会場におりますので、"
                    "ぜひお立ち寄りください。"
                ),
                ("国際ロボット展", "工場自動化"),
            ),
            DemoVariant(
                "facebook",
                (
                    "勤務先が国際ロボット展に出展します。"
                    "会場ではいろいろなロボットが動いているので、"
                    "見て回るだけでも楽しいと思います。会場で会えたらうれしいです。"
                ),
            ),
        ),
    ),
    DemoContent(
        key="event-open-factory-nagoya",
        topics=("event", "csr"),
        title="名古屋工場 オープンファクトリー2026 — 地域の皆さまに工場を公開します（事前申込制）",
        url="https://www.mirai-seisakusho.example/events/2026/open-factory-nagoya/",
        summary=(
            "普段は入ることのできない名古屋工場の組立ラインや、"
            "ロボットの動作デモを見学いただけるオープンファクトリーを開催します。"
            "お子さま向けのロボット操作体験や、キッチンカーもご用意します。"
        ),
        note=(
            "名古屋工場の皆さん向けです。ご家族やご近所の方を招待するつもりで広めてください。"
            "自分の職場を紹介する気持ちが、そのまま伝わります。"
        ),
        status="published",
        publish_in_days=-4,
        expire_in_days=25,
        featured=True,
        locations=("NGO",),
        variants=(
            DemoVariant(
                "",
                (
                    "名古屋工場のオープンファクトリーを開きます。"
                    "私が毎日働いている組立ラインも見てもらえます。"
                    "子ども向けのロボット操作体験もあるので、家族でどうぞ。"
                ),
                ("オープンファクトリー", "名古屋工場"),
            ),
            DemoVariant(
                "x",
                (
                    "オープンファクトリーで、ふだん働いているラインをご案内します。"
                    "ロボットが組み上がっていく様子、けっこう見応えありますよ"
                ),
                ("オープンファクトリー", "名古屋"),
            ),
            DemoVariant(
                "instagram",
                (
                    "名古屋工場 オープンファクトリー🏭\n\n"
                    "ふだんは入れない組立ラインを公開します。\n"
                    "ロボットの操作体験やキッチンカーも。\n\n事前申込制です。"
                ),
                ("オープンファクトリー", "工場見学", "名古屋"),
            ),
            DemoVariant(
                "facebook",
                (
                    "勤務している名古屋工場で、地域の皆さん向けのオープンファクトリーを開きます。"
                    "子どもの頃、近所の工場の中がずっと気になっていたので、"
                    "こういう機会があるのはうれしいです。"
                ),
                ("名古屋工場",),
            ),
            DemoVariant(
                "line",
                "うちの工場のオープンファクトリー、家族で遊びに来てね。申込制なので早めにどうぞ",
            ),
        ),
    ),
    DemoContent(
        key="event-smart-factory-expo",
        topics=("event", "seihin"),
        title="「スマート工場EXPO」出展のご案内 — 画像検査とAGVをつないだ自動検品ラインを展示",
        url="https://www.mirai-seisakusho.example/events/2026/smart-factory-expo/",
        summary=(
            "製造業向け展示会「スマート工場EXPO」に出展し、画像検査システム「ミルメ」"
            "とAGV「ハコブ」を組み合わせた自動検品ラインを展示しました。ご来場いただいた皆さま、"
            "ありがとうございました。"
        ),
        note="終了した展示会です。次回の展示会の情報をお待ちください。",
        status="expired",
        publish_in_days=-70,
        expire_in_days=-50,
        promotional=True,
        variants=(
            DemoVariant(
                "",
                (
                    "スマート工場EXPOに自社ブースを出します。"
                    "ミルメとハコブをつないだ自動検品ラインを、実際に動かして展示します。"
                ),
                ("スマート工場EXPO", "画像検査"),
            ),
            DemoVariant(
                "x",
                (
                    "来週のスマート工場EXPO、みらい製作所ブースで検品ラインのデモ担当です。"
                    "NG品をはじくところを見に来てください"
                ),
                ("スマート工場EXPO",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "勤務先のみらい製作所は、スマート工場EXPOに出展します。"
                    "画像検査システム「ミルメ」とAGV「ハコブ」を組み合わせ、検査から仕分け・"
                    "搬送までを自動で行うラインを展示します。検品工程の自動化をご検討中の方、"
                    "ぜひブースでお話ししましょう。"
                ),
                ("スマートファクトリー", "展示会"),
            ),
        ),
    ),
    DemoContent(
        key="event-webinar-agv-checkpoints",
        topics=("event", "seihin"),
        title="【ウェビナー】AGV導入で失敗しないための5つのチェックポイント",
        url="https://www.mirai-seisakusho.example/events/2026/webinar-agv-checkpoints/",
        summary=(
            "AGVの導入を検討中のお客様に向けて、走行ルートの設計、床面や通信環境の確認、"
            "既存設備との連携など、事前に押さえておきたいポイントを解説したウェビナーです。"
            "アーカイブ配信は終了しました。"
        ),
        note="アーカイブ配信も終了しています。AGVについてのご相談は、営業担当におつなぎください。",
        status="expired",
        publish_in_days=-60,
        expire_in_days=-38,
        promotional=True,
        variants=(
            DemoVariant(
                "",
                (
                    "AGVの導入前に確認しておきたいポイントを、"
                    "自社のハコブの事例を交えて話すウェビナーをやります。"
                    "床の段差やWi-Fiの死角など、現場あるあるが中心です。"
                ),
                ("AGV", "ウェビナー"),
            ),
            DemoVariant(
                "x",
                (
                    "勤務先のAGVウェビナーで話します。「床の継ぎ目でAGVが止まる」みたいな、"
                    "導入後に気づきがちな話をまとめました"
                ),
                ("AGV",),
            ),
            DemoVariant(
                "linkedin",
                (
                    "みらい製作所でAGVの導入支援をしている立場から、"
                    "導入前に確認しておきたい5つのポイントをウェビナーでお話しします。"
                    "走行ルートや床面、通信環境など、"
                    "事前に把握しておくだけで立ち上げが大きく変わる点を、"
                    "実際の事例をもとにご紹介します。"
                ),
                ("AGV", "物流自動化"),
            ),
        ),
    ),
    DemoContent(
        key="event-osaka-automation-consultation",
        topics=("event", "seihin"),
        title="大阪支社で「はじめての自動化相談会」を開催 — 中小製造業の皆さまの個別相談を承ります",
        url="https://www.mirai-seisakusho.example/events/2026/osaka-automation-consultation/",
        summary=(
            "ロボットやAGVの導入を初めて検討される中小製造業のお客様を対象に、"
            "大阪支社で個別相談会を開きます。ワークや工程の写真をお持ちいただければ、"
            "当社のエンジニアが自動化の進め方をご提案します。"
        ),
        note="地域の取引先や、知り合いの町工場に届けてほしい企画です。",
        status="in_review",
        publish_in_days=6,
        promotional=True,
        variants=(
            DemoVariant(
                "",
                (
                    "大阪支社で、自動化の個別相談会をやります。"
                    "「うちの規模でもロボットって入るの？」という段階の相談こそ歓迎です。"
                    "自社製品ありきではなく、進め方から一緒に考えます。"
                ),
                ("自動化", "中小製造業"),
            ),
            DemoVariant(
                "x",
                (
                    "大阪支社で自動化の相談会をやります。"
                    "みらい製作所の技術担当として私も座ってます。町工場のみなさん、"
                    "写真1枚からで大丈夫です"
                ),
                ("自動化", "大阪"),
            ),
            DemoVariant(
                "linkedin",
                (
                    "勤務先のみらい製作所の大阪支社で、"
                    "中小製造業の皆さま向けの「はじめての自動化相談会」を開催します。"
                    "ワークや工程の写真をお持ちいただければ、"
                    "エンジニアが自動化の進め方を個別にご提案します。"
                    "関西で自動化の第一歩を検討されている方、ぜひご相談ください。"
                ),
                ("中小製造業", "工場自動化"),
            ),
        ),
    ),
    DemoContent(
        key="event-webinar-cobot-packing-en",
        topics=("event", "seihin"),
        title="Webinar (English): Automating end-of-line packing with collaborative robots",
        url="https://www.mirai-seisakusho.example/en/events/2026/webinar-cobot-packing/",
        summary=(
            "A 45-minute English-language webinar for overseas customers on automating "
            "end-of-line packing with collaborative robots, with a live demo of our robot arms. "
            "The recording is no longer available."
        ),
        note=(
            "This webinar has ended. Please point interested customers to the MIRAI ARM X1 "
            "launch news instead."
        ),
        status="expired",
        publish_in_days=-45,
        expire_in_days=-30,
        promotional=True,
        departments=("SL40",),
        languages=("en",),
        variants=(
            DemoVariant(
                "",
                (
                    "Join our English-language webinar on automating end-of-line packing with "
                    "collaborative robots. I work at Mirai Seisakusho and will be answering "
                    "questions live."
                ),
                ("webinar", "cobot"),
            ),
            DemoVariant(
                "x",
                (
                    "Free webinar from my company, in English: automating end-of-line packing "
                    "with cobots, with a live demo from Tokyo."
                ),
                ("cobot", "webinar"),
            ),
            DemoVariant(
                "linkedin",
                (
                    "Mirai Seisakusho, where I work in overseas sales, is hosting a free "
                    "English-language webinar on automating end-of-line packing with "
                    "collaborative robots. We'll cover cell layout, safety and what a realistic "
                    "ramp-up looks like, with a live demo from our Tokyo showroom. I'd love to "
                    "see some of our partners there."
                ),
                ("automation", "packaging"),
            ),
        ),
    ),
    DemoContent(
        key="event-engineer-meetup-tokyo",
        topics=("event", "tech"),
        title="エンジニア向けミートアップ「工場×ソフトウェアの現場を語る夜」（東京本社）",
        url="https://www.mirai-seisakusho.example/events/2026/engineer-meetup-tokyo/",
        summary=(
            "製造業のソフトウェア開発に携わるエンジニアが集まり、"
            "現場での工夫や失敗談をライトニングトークで共有するミートアップです。"
        ),
        note="企画段階です。登壇者が決まり次第、推奨文を整えます。",
        status="draft",
        publish_in_days=25,
        variants=(
            DemoVariant(
                "",
                (
                    "東京本社でエンジニア向けのミートアップを企画中です。"
                    "工場のソフトウェアならではの失敗談を持ち寄る会にしたいです。"
                ),
                ("ミートアップ",),
            ),
            DemoVariant(
                "x",
                (
                    "工場とソフトウェアの間で働いている人たち、集まって話しませんか。"
                    "本社でミートアップを企画しています"
                ),
                ("ミートアップ", "製造業DX"),
            ),
        ),
    ),
    DemoContent(
        key="event-family-day-tokyo",
        topics=("event",),
        title="社員の家族向け「ファミリーデー」を東京本社で開催しました",
        url="https://www.mirai-seisakusho.example/events/2025/family-day-tokyo/",
        summary=(
            "社員のご家族を東京本社にお招きし、"
            "職場見学やショールームでのロボット操作体験を楽しんでいただきました。"
            "約200名の方にご来場いただきました。"
        ),
        note="昨年度のイベントレポートです。",
        status="archived",
        publish_in_days=-110,
        variants=(
            DemoVariant(
                "",
                (
                    "ファミリーデーに子どもを連れて行きました。自分の席に座らせたら、"
                    "やたらと誇らしげでした。"
                ),
                ("ファミリーデー",),
            ),
            DemoVariant(
                "x",
                (
                    "ファミリーデー、娘がショールームのロボットアームから離れなくなりました。"
                    "将来の後輩かもしれません"
                ),
                ("ファミリーデー",),
            ),
            DemoVariant(
                "facebook",
                (
                    "会社のファミリーデーに家族で参加しました。"
                    "普段どんな場所で働いているのかを見てもらえて、ちょっと照れくさいけれど、"
                    "いい一日でした。"
                ),
            ),
        ),
    ),
    DemoContent(
        key="event-nagoya-community-festival",
        topics=("event", "csr"),
        title="名古屋工場 地域交流まつり（仮）— 工場の駐車場を開放して夜店とステージを",
        url="https://www.mirai-seisakusho.example/events/2026/nagoya-community-festival/",
        summary=(
            "名古屋工場の駐車場を会場に、近隣の皆さまと社員が交流できる夏まつりを企画しています。"
            "地元の中学校の吹奏楽部による演奏や、社員有志の夜店を予定しています。"
        ),
        note="企画中の案件です。開催が決まったらお知らせします。",
        status="draft",
    ),
)
SITE_NAME = "株式会社みらい製作所"
# The compliance lists of the demo company (法務 keeps them).
CONFIDENTIAL_TERMS = ("白鷺プロジェクト", "Project Shirasagi", "プロジェクト銀河")
PRODUCT_NAMES = ("ミライアーム", "MiraiArm")
ALLOWED_DOMAINS = ("mirai-seisakusho.example",)  # subdomains included
PUBLIC_EMAILS = ("recruit@mirai-seisakusho.example",)
RANDOM_SEED = 20261201
# Pending suggestions from advocates: (link, comment, days ago).
SUGGESTIONS: tuple[tuple[str, str, int], ...] = (
    (
        "https://www.nikkan.example.jp/articles/2026/11/mirai-agv",
        "業界紙にハコブの導入事例が載りました。取引先にも見てほしいです。",
        1,
    ),
    (
        "https://www.mirai-seisakusho.example/recruit/interview/sato",
        "入社3年目の先輩インタビュー、学生さんに響くと思います。",
        2,
    ),
    (
        "https://www.city-nagoya.example/event/monozukuri-2027",
        "名古屋市のものづくりフェスに当社が出展します。",
        4,
    ),
)
FEED_TITLE = "株式会社みらい製作所 ニュースリリース"
FEED_ENTRIES: tuple[DemoFeedEntry, ...] = (
    DemoFeedEntry(
        guid="mirai-pr-2026-0402",
        title="画像検査システム「ミルメ」が「中部ものづくり技術賞」優秀賞を受賞しました",
        url="https://www.mirai-seisakusho.example/news/2026/0402.html",
        summary=(
            "画像検査システム「ミルメ」が、"
            "製造現場の課題解決に貢献した技術を表彰する「中部ものづくり技術賞」"
            "で優秀賞を受賞しました。良品画像のみで検査モデルを作成できる点が評価されました。"
        ),
        published_days_ago=20.0,
    ),
    DemoFeedEntry(
        guid="mirai-pr-2026-0405",
        title="名古屋工場 第3製造棟が稼働を開始しました",
        url="https://www.mirai-seisakusho.example/news/2026/0405.html",
        summary=(
            "協働ロボットとAGVの生産体制を強化するため、"
            "名古屋工場の敷地内に建設していた第3製造棟が本格稼働を開始しました。"
            "棟内の部品搬送には自社製AGV「ハコブ」を活用しています。"
        ),
        published_days_ago=14.0,
    ),
    DemoFeedEntry(
        guid="mirai-pr-2026-0408",
        title="2026年度 第3四半期決算説明会の開催日程のお知らせ",
        url="https://www.mirai-seisakusho.example/news/2026/0408.html",
        summary=(
            "2026年度第3四半期の決算説明会を、機関投資家・"
            "アナリストの皆さま向けに2月12日にオンラインで開催します。説明資料は当日、"
            "当社ウェブサイトの投資家情報ページに掲載します。"
        ),
        published_days_ago=9.0,
    ),
    DemoFeedEntry(
        guid="mirai-pr-2026-0411",
        title="AGV「ハコブ」シリーズに重量物搬送モデル「HX-1000」を追加",
        url="https://www.mirai-seisakusho.example/news/2026/0411.html",
        summary=(
            "最大1,000kgの積載に対応する「ハコブ HX-1000」を発表しました。"
            "金型や大型部品の工程間搬送の自動化を支援します。受注開始は来月を予定しています。"
        ),
        published_days_ago=5.0,
    ),
    DemoFeedEntry(
        guid="mirai-pr-2026-0414",
        title="あおばロジテック株式会社と倉庫自動化分野で業務提携",
        url="https://www.mirai-seisakusho.example/news/2026/0414.html",
        summary=(
            "物流センター向けシステムを手がけるあおばロジテック株式会社と、倉庫内のピッキング・"
            "搬送の自動化で業務提携しました。"
            "両社の技術を組み合わせたソリューションを共同で開発します。"
        ),
        published_days_ago=2.5,
    ),
    DemoFeedEntry(
        guid="mirai-pr-2026-0415",
        title="キャリア採用オンライン説明会（ソフトウェア職）を開催します",
        url="https://www.mirai-seisakusho.example/news/2026/0415.html",
        summary=(
            "ロボット制御や画像処理、設備監視ソフトウェアの開発に携わるエンジニアを対象に、"
            "オンライン説明会を開催します。現場のエンジニアが開発体制や働き方をご紹介します。"
        ),
        published_days_ago=1.0,
    ),
    DemoFeedEntry(
        guid="mirai-pr-2026-0417",
        title="中部工科大学と協働ロボットの安全制御に関する共同研究を開始",
        url="https://www.mirai-seisakusho.example/news/2026/0417.html",
        summary=(
            "中部工科大学と、"
            "人とロボットが接触した際の安全制御に関する共同研究契約を締結しました。"
            "3年間をかけて、接触検知技術の向上と評価手法の確立に取り組みます。"
        ),
        published_days_ago=0.2,
    ),
    DemoFeedEntry(
        guid="mirai-pr-2026-0418",
        title="画像検査システム「ミルメ」クラウド版の提供を開始します",
        url="https://www.mirai-seisakusho.example/news/2026/0418.html",
        summary=(
            "複数拠点の検査データを一元管理できる「ミルメ」のクラウド版を提供開始します。"
            "検査モデルの更新も、各拠点に出向くことなく遠隔で行えるようになります。"
        ),
        published_days_ago=-0.05,
    ),
    DemoFeedEntry(
        guid="mirai-pr-2026-0421",
        title="大阪支社移転のお知らせ",
        url="https://www.mirai-seisakusho.example/news/2026/0421.html",
        summary=(
            "業務拡大に伴い、大阪支社を新オフィスへ移転します。"
            "新オフィスにはショールームを併設し、"
            "関西のお客様に実機デモをご覧いただけるようになります。"
        ),
        published_days_ago=-0.5,
    ),
    DemoFeedEntry(
        guid="mirai-pr-2026-0425",
        title="ロボット制御SDK「Mirai Motion SDK」をROS 2向けに無償公開",
        url="https://www.mirai-seisakusho.example/news/2026/0425.html",
        summary=(
            "当社のロボットアームをROS "
            "2から制御するためのソフトウェア開発キットを無償で公開します。"
            "研究機関やシステムインテグレーターの皆さまの開発を支援します。"
        ),
        published_days_ago=-3.0,
    ),
)
