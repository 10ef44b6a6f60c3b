import pytest

from etl.credits import Roles, is_credit_line, parse_credit, reporters
from etl.knowledge import load_knowledge

ROLES = load_knowledge().credits.roles


@pytest.mark.parametrize("text, names", [
    # in brackets after the lead
    ("本报讯（记者 冯晨曦 通讯员 李敏）4月11日上午，市五医院。", ["冯晨曦"]),
    ("本报讯（记者 韩晓雯 贾志强）5月24日上午，", ["韩晓雯", "贾志强"]),
    ("又讯（记者 胡晓峰）3月15日，", ["胡晓峰"]),
    ("大同网山西12月1日电（记者 王强）近日，", ["王强"]),
    ("本报讯（记者 贾文婷） 4月17日，平城", ["贾文婷"]),  # 文 inside a name is no role
    ("本报讯（记者 李 璐 实习生 高鹏）“着火了！", ["李璐"]),  # a spaced two-character name
    # in brackets at the end
    ("据了解，今年将每月开展一次。（本报记者 张楠）", ["张楠"]),
    ("（本报记者 贾晓宇 实习生 韩笑）", ["贾晓宇"]),
    ("（平城区融媒体中心记者 侯雅琪）", ["侯雅琪"]),
    # on a line of its own
    ("文/本报记者 康宁 图/通讯员 刘海燕", ["康宁"]),
    ("文/图：平城区融媒体中心记者 董瑞", ["董瑞"]),
    ("文/图 本报记者 冯晨曦", ["冯晨曦"]),
    ("记者：刘慧  通讯员：贾志强", ["刘慧"]),
    ("记者 宋立新 通讯员 白晓宇 杜若彤", ["宋立新"]),
    ("第06版：社区　2024年07月15日本报记者 任鹏飞", ["任鹏飞"]),
    # unbracketed after the lead, closing the last paragraph
    ("本报讯 记者薛婧 通讯员郝美玲 近日，平城区医保中心联合", ["薛婧"]),
    ("记者 乔慧敏 报道 5月19日是世界家庭医生日，当天", ["乔慧敏"]),
    ("活动结束后大家合影留念。本报记者 韩晓雯", ["韩晓雯"]),
])
def test_reporters_wherever_the_credit_stands(text, names):
    assert [c.name for c in reporters(text, ROLES)] == names


@pytest.mark.parametrize("text", [
    "（通讯员 白晓宇）",
    "文/苗晓燕 图/杜若彤",  # no reporter role
    "●孩子们展示自己剪出的“窗花”作品。 本报记者 白晓光 摄",  # a photo credit
    "本报记者 白晓光摄",
    "记者了解到，两个社区共设有十个垃圾分类督导点。",
    "记者：当初为什么想到办长者食堂？",  # an interview question
    "社区工作人员告诉记者，启动仪式当天就来了近百名居民。",
    "截至记者发稿时，检查组已排查楼院23个。",
    "记者走进社区",  # a headline, not a credit
    "编辑：郭婷  审核：高建新",
])
def test_no_reporter(text):
    assert reporters(text, ROLES) == []


def test_offsets_point_at_the_names():
    text = "标题\n\n本报讯（记者 冯晨曦 通讯员 李敏）4月11日。\n结束。（本报记者 张楠）"
    for c in reporters(text, ROLES):
        assert text[c.start:c.end] == c.name


def test_a_name_is_credited_once():
    text = "本报讯（记者 张楠）4月11日。\n活动结束。（本报记者 张楠）"
    assert [c.name for c in reporters(text, ROLES)] == ["张楠"]


def test_roles_are_data():
    roles = Roles(reporter=("采访",), other=("摄影",), photo_suffix=("摄",), report_suffix=())
    assert [c.name for c in parse_credit("采访 王五 摄影 赵六", 0, 11, roles)] == ["王五"]
    assert [c.name for c in parse_credit("记者 王五", 0, 5, ROLES)] == ["王五"]


def test_reporters_not_photographers():
    text = "标题\n\n本报讯（通讯员 王五 记者 尚丽 孙露）近日，活动开展。邸东芳摄"
    assert [c.name for c in reporters(text, ROLES)] == ["尚丽", "孙露"]
    assert [c.name for c in reporters("标题\n\n正文开始。本报记者 郑林", ROLES)] == ["郑林"]
    assert [c.name for c in reporters("标题\n\n本报讯 记者王小明报道：近日，活动开展。", ROLES)] == ["王小明"]


@pytest.mark.parametrize("line, expected", [
    ("本报记者 任鹏飞", True), ("记者 宋立新 通讯员 白晓宇 杜若彤", True), ("（通讯员 白晓宇）", True),
    ("（赛鱼街道供稿）", True), ("文/苗晓燕 图/杜若彤", True), ("平城区融媒体中心记者 苗凯", True),
    ("记者：侯雅琪", True), ("（记者 李 璐）", True),
    ("记者走进社区", False), ("义诊进社区 专家到身边", False), ("开源街道民悦社区：反诈情景剧进社区", False),
    ("活动结束后，记者 张三 说。", False),
])
def test_credit_lines(line, expected):
    assert is_credit_line(line, ROLES) is expected


def test_a_trainee_reporter_is_a_reporter_and_a_spaced_photo_credit_is_a_caption():
    kb = load_knowledge()
    assert [c.name for c in reporters("晚报记者 郭佳 见习记者 马瑞\n", kb.credits.roles)] == ["郭佳", "马瑞"]
    assert kb.credits.caption_with_credit.match("社区志愿者带领孩子们制作“水火箭”。\u3000本报记者\u3000王\u3000涛\u3000摄")
    assert kb.credits.credit_only.match("王　涛　摄")
