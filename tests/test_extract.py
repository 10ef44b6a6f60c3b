import pytest
"""Extractors on small strings: places, counts, dates, labels, reporters, evidence."""
from etl.dates import IssueDate, date_precision, event_date, find_dates, issue_date
from etl.extract import extract_bulletin
from etl.pipeline import given_issue
from etl.places import find_places, streets_of, units_of
from etl.quantities import find_quantities


def test_aliases_resolve_to_official_names(kb):
    places = find_places("平城区清源街道清源西街社区和新华街街道局前社区", kb)
    assert streets_of(places) == ["清远街道", "新华街道"]
    assert units_of(places) == ["清远西街社区", "局前社区"]


def test_group_lists_are_expanded(kb):
    places = find_places("永泰街道联合锦祥、柳航里等社区工作人员；宜业团组（民谐、民德、民懋社区）", kb)
    assert units_of(places) == ["锦祥社区", "柳航里社区", "民谐社区", "民德社区", "民懋社区"]


def test_community_implies_its_street(kb):
    assert streets_of(find_places("近日，华北星社区举办演出。", kb)) == ["文瀛湖街道"]


def test_other_district_places_are_kept_apart(kb):
    places = find_places("云冈区平盛街道下沉安荣里社区实地巡查", kb)
    assert streets_of(places) == [] and units_of(places) == []
    assert {p.status for p in places} == {"other_district"}


def test_other_district_prefix_marks_a_known_name(kb):
    places = find_places("新荣区新华街道开展活动", kb)
    assert places[0].status == "other_district"


def test_unknown_community_after_a_street_is_kept_with_a_flag(kb):
    places = find_places("平城区新华街道悦悦社区新时代文明实践站", kb)
    unknown = [p for p in places if p.status == "unknown"]
    assert [(p.name, p.street) for p in unknown] == [("悦悦社区", "新华街道")]


def test_participants_are_kept_apart_from_other_counts(kb):
    found = find_quantities("现场170余位老人共品佳肴。1.7万居民注册使用，帮助120余名居民实现就近就业。", kb)
    people = [(q.value, q.approx) for q in found if q.participant]
    other = sorted(q.value for q in found if not q.participant)
    assert people == [(170, True)]
    assert other == [120, 17000]


def test_vague_participant_count_has_no_value_but_bounds(kb):
    found = find_quantities("活动吸引了数百名居民驻足观看。", kb)
    assert [(q.value, q.low, q.high, q.participant) for q in found] == [(None, 200, 900, True)]


def test_ordinals_years_ages_rates_and_set_phrases_are_not_counts(kb):
    text = ("第二期夜校于2025年开班，62岁的王姨说，满意率95%，构建三位一体体系、三级责任机制，"
            "平城区23校，一场讲座，每周不少于4天，经过10个月试点，12345热线。")
    assert find_quantities(text, kb) == []


def test_counts_with_chinese_numerals_and_big_x(kb):
    found = find_quantities("两个社区开展活动，建成4大服务板块，发放宣传资料1000余份。", kb)
    assert [(q.value, q.unit) for q in found] == [(2, "个"), (4, "个"), (1000, "份")]


def test_event_date_takes_a_year_stated_in_its_sentence():
    lead = "5月24日，2025年平城区科技活动周在迎宾广场启动。"
    assert event_date(lead, 0)[0] == "2025-05-24"
    assert event_date("10月26日，文兴社区开展活动。", 0)[0] == "--10-26"
    assert event_date("近日，社区开展活动。", 0)[0] is None


@pytest.mark.parametrize("lead, issue, expected, precision", [
    ("12月30日上午，北辰社区残疾人康复服务站揭牌。", "2025-01-03", "2024-12-30", "year_inferred"),
    ("1月2日，社区开展活动。", "2025-01-03", "2025-01-02", "year_inferred"),
    ("1月3日，社区开展活动。", "2025-01-03", "2025-01-03", "year_inferred"),  # the day itself
    ("本月18日，幸福里社区开展垃圾分类宣传。", "2024-06-20", "2024-06-18", "year_inferred"),
    ("5月24日，2023年科技活动周启动。", "2025-06-03", "2023-05-24", "day"),  # a stated year wins
    ("10月26日，文兴社区开展活动。", None, "--10-26", "month_day"),  # no publication date
    ("近日，社区开展活动。", "2025-01-03", None, "issue"),
    # a day with no month opening the lead is in the issue's month (or the month before)
    ("9日上午，振华街道建设里社区开展消防演练。", "2024-12-10", "2024-12-09", "year_inferred"),
    ("本报讯（记者 武丽）20日，工农路社区开展心理讲座。", "2024-12-22", "2024-12-20", "year_inferred"),
    ("28日，社区开展活动。", "2025-01-03", "2024-12-28", "year_inferred"),
    ("为期3日的培训结束，社区开展活动。", "2025-01-03", None, "issue"),
    # 昨日 is the day before the issue, unless a speaker says it
    ("昨日是冬至，红旗里社区开展包饺子活动。", "2024-12-22", "2024-12-21", "year_inferred"),
    ("“昨天我就来排队了。”近日，社区开展义诊。", "2024-12-22", None, "issue"),
    # a dateline's date is the dispatch's, not the event's
    ("山西新闻网大同6月1日讯 近日，花园屯乡签订种植协议。", "2023-06-02", None, "issue"),
    ("18日至19日，社区开展活动。", "2024-11-20", "2024-11-18", "year_inferred"),
    ("截至11月15日，全区已走访困难家庭1360户。", "2024-11-20", None, "issue"),
])
def test_event_date_takes_the_publication_year(lead, issue, expected, precision):
    given = IssueDate(issue, "day", "filename") if issue else IssueDate(None, "unknown", "none")
    event, found = event_date(lead, 0, given)
    assert event == expected
    assert date_precision(event, found, given) == precision


def test_an_inferred_issue_date_gives_no_year():
    assert event_date("12月30日，社区开展活动。", 0, IssueDate("2025", "inferred", "text"))[0] == "--12-30"


def test_chinese_numeral_dates():
    assert [(d.month, d.day) for d in find_dates("五月二十四日")] == [(5, 24)]


def test_issue_date_sources(tmp_path, kb):
    published = kb.published_pattern
    assert issue_date("2025-06-03_page2.txt", "", published) == issue_date("x", "", published).__class__(
        "2025-06-03", "day", "filename")
    sidecar = tmp_path / "page.txt"
    sidecar.write_text("正文", encoding="utf-8")
    (tmp_path / "page.date").write_text("2024-11-02\n", encoding="utf-8")
    assert given_issue(sidecar).source == "sidecar"
    assert issue_date("page.txt", "", published, given_issue(sidecar)).value == "2024-11-02"
    assert given_issue(sidecar, "2025-01-01").source == "option"
    assert issue_date("p.txt", "发布时间：2025-06-03 来源：本站", published).value == "2025-06-03"
    assert issue_date("p.txt", "2025年5月24日，活动启动。", published).precision == "inferred"
    assert issue_date("p.txt", "近日活动启动。", published).precision == "unknown"


def test_every_value_carries_evidence_inside_the_article(kb):
    text = ("社区义诊送健康\n\n本报讯（记者 郑林）10月26日，平城区鹿苑街道崇仁社区开展义诊活动，"
            "20余名居民参加，医生为居民测量血压。\n")
    article = extract_bulletin(text, "t.txt", kb).articles[0]
    assert article.streets == ["鹿苑街道"] and article.communities == ["崇仁社区"]
    assert article.themes[0] == "health" and "free_clinic" in article.services
    assert article.event_date == "--10-26"
    assert [q.value for q in article.participants] == [20]
    fields = {e.field for e in article.evidence}
    assert {"reporters", "places", "themes", "services", "event_date", "participants"} <= fields
    for e in article.evidence:
        assert 0 <= e.start < e.end <= len(article.text)
        assert e.sentence_start <= e.start and e.end <= e.sentence_end
    quote = {e.field: article.text[e.start:e.end] for e in article.evidence}
    assert quote["reporters"] == "郑林" and quote["event_date"] == "10月26日"


def test_district_wide(kb):
    wide = extract_bulletin("标题\n\n本报讯（记者 甲乙）近日，平城区医保局推出新模式。\n", "a.txt", kb)
    local = extract_bulletin("标题\n\n本报讯（记者 甲乙）近日，平城区17校开展开放日。\n", "b.txt", kb)
    round_up = extract_bulletin("标题\n\n本报讯（记者 甲乙）近年来，平城区各街道在文兴社区等地开展活动。\n", "c.txt", kb)
    subject = extract_bulletin("标题\n\n本报讯（记者 甲乙）近年来，平城区以党建为轴心，在民和社区试点。\n", "d.txt", kb)
    generic_schools = extract_bulletin("标题\n\n本报讯（记者 甲乙）平城区科协深入中小学校开展科普。\n", "e.txt", kb)
    assert wide.articles[0].district_wide and not local.articles[0].district_wide
    assert round_up.articles[0].district_wide and subject.articles[0].district_wide
    assert generic_schools.articles[0].district_wide  # 中小学校 names no single school


def test_block_segmentation_equals_whole_text_segmentation(kb):
    """jieba segments each block on its own, so segmenting only the blocks that hold a keyword
    gives the same words as segmenting the article."""
    from etl.read import normalise
    from etl.segment import HAN_BLOCK, Segmentation
    from etl.pipeline import parse_paths
    from support import SAMPLES
    for record in parse_paths([SAMPLES], kb=kb):
        for article in record.articles:
            text = normalise(article.text)
            whole, pos = [], 0
            for word in kb.tokenizer.lcut(text, HMM=False):
                if HAN_BLOCK.fullmatch(word):
                    whole.append((word, pos, pos + len(word)))
                pos += len(word)
            assert Segmentation(text, kb.dictionary).tokens() == whole


def test_an_article_placed_in_another_district_claims_none_of_our_places(kb):
    text = "标题\n\n本报讯（记者 甲乙）近日，云冈区新华街道联合民和社区开展义诊活动。\n"
    article = extract_bulletin(text, "x.txt", kb).articles[0]
    assert article.streets == [] and article.communities == []
    assert set(article.other_district_places) == {"新华街道", "民和社区"}
    ours = extract_bulletin(text.replace("云冈区", "").replace("。", "，示范区建设。"), "y.txt", kb)
    assert ours.articles[0].communities == ["民和社区"]


def test_first_sentence_follows_the_lead_credit(kb):
    from etl.extract import first_sentence_of
    from etl.read import normalise
    for body in ("本报讯（记者 尚丽）近日，社区开展活动。后来。", "本报讯 记者王小明报道：近日，社区开展活动。后来。"):
        assert first_sentence_of(body, normalise(body), kb.credits) == "近日，社区开展活动。"


def test_what_was_counted_is_read_after_the_unit_or_before_the_number(kb):
    found = find_quantities("建成20个暖蜂驿站，活动共发放宣传资料1000余份、叶酸200余盒，年均服务青少年万余人次。", kb)
    assert [(q.value, q.what) for q in found] == [(20, "暖蜂驿站"), (1000, "宣传资料"), (200, "叶酸"),
                                                (10000, "青少年")]


@pytest.mark.parametrize("text, participants", [
    ("活动现场，12名医护人员走进社区，70余名居民前来问诊。", [12, 70]),  # 名/位/人: people who took part
    ("15名消防指战员铺设水带，30余名居民体验灭火器。", [15, 30]),
    ("辖区共计300余人次参加活动。", [300]),
    ("出动检查人员1500余人次。", [1500]),
    ("十几位居民围坐成一圈。", [10]),
])
def test_head_counts_in_the_genres_phrasing(kb, text, participants):
    assert [q.value for q in find_quantities(text, kb) if q.participant] == participants


@pytest.mark.parametrize("text", [
    "60余名中小学生报名。",  # registration
    "现场登记求职人员200人。",
    "社区60岁以上老年人有1100余人。",  # a population
    "饭堂可同时容纳60人就餐。",  # a capacity
    "现场解答群众咨询40余人次。",  # people served
    "为60名残疾人发放轮椅。",  # beneficiaries of a hand-out
    "30多人开通了个人直播账号。",  # an outcome
])
def test_counts_that_are_not_participants(kb, text):
    assert not [q for q in find_quantities(text, kb) if q.participant]


def test_a_quoted_name_is_no_count(kb):
    assert find_quantities("在“两人三足”比赛中，孩子们配合默契。", kb) == []


def test_a_page_of_another_districts_site_places_its_articles_there(kb):
    text = ("太原市尖草坪区人民政府\n您的位置：首页 > 政务动态\n\n古城街道：垃圾分类积分兑换 居民参与热情高\n\n"
            "6月5日是世界环境日。当天上午，古城街道大同路南社区开展垃圾分类积分兑换活动。\n")
    article = extract_bulletin(text, "p.txt", kb).articles[0]
    assert article.streets == [] and article.communities == []
    ours = text.replace("太原市尖草坪区人民政府", "大同市平城区人民政府")
    assert extract_bulletin(ours, "p.txt", kb).articles[0].streets == ["古城街道"]


def test_a_report_opening_with_tongri_takes_the_date_of_the_report_before_it(kb):
    text = ("垃圾分类进村入户\n本报讯 8月13日，小南头街道艾庄村开展垃圾分类入户宣传。\n"
            "又讯 同日，该街道塔儿村举行垃圾分类知识有奖问答。（记者 韩冰）\n")
    first, second = extract_bulletin(text, "2024-08-16_x.txt", kb).articles
    assert first.event_date == second.event_date == "2024-08-13"
    assert any(e.field == "event_date" and second.text[e.start:e.end] == "同日" for e in second.evidence)


def test_names_sharing_their_stem_after_direction_characters_are_expanded(kb):
    places = find_places("马军营街道在阳和坡村和上、下皇庄村植树，小南头街道东、西王庄村开设积分超市。", kb)
    assert units_of(places) == ["阳和坡村", "上皇庄村", "下皇庄村", "东王庄村", "西王庄村"]
    assert units_of(find_places("东、西两侧道路", kb)) == []


def test_a_district_whose_name_ends_in_shanqu_is_another_district(kb):
    text = "古城街道：加装电梯\n\n5月18日，石景山区古城街道古城南路东社区的电梯投入使用。\n"
    article = extract_bulletin(text, "a.txt", kb).articles[0]
    assert article.streets == [] and "古城街道" in article.other_district_places


def test_a_plan_to_go_to_every_street_is_not_district_scope(kb):
    local = extract_bulletin("夜校开课\n\n4月1日，鹿苑街道北苑社区青春夜校开课。团区委表示，下一步将在各街道开设教学点。\n",
                             "a.txt", kb).articles[0]
    fair = extract_bulletin("年货大集\n\n1月12日，平城区年货大集在红旗广场举办，十八个街道组织商户参展。\n",
                            "b.txt", kb).articles[0]
    assert not local.district_wide and fair.district_wide


def test_people_handed_something_staff_on_the_books_and_enrolments_are_not_participants(kb):
    def kinds(text):
        return [(q.value, q.participant) for q in find_quantities(text, kb)]
    assert kinds("村“两委”为村里32位老人送上了月饼。") == [(32, False)]
    assert kinds("为120余名老年居民送上免费健康服务。") == [(120, True)]
    assert kinds("中心配备专兼职调解员15名。") == [(15, False)]
    assert kinds("首批招收辖区小学生45名。") == [(45, False)]
    assert kinds("三天累计吸引近两万人次市民前来选购。") == [(20000, True)]
    assert kinds("累计培训两百多位老人。") == [(200, False)]


def test_prices_per_head_rates_and_frequencies_are_not_counts(kb):
    values = lambda text: [q.value for q in find_quantities(text, kb)]
    assert values("企业以每斤8元的保护价收购，带动农户户均增收3000元以上。") == []
    assert values("社区每月组织商户开展1次公益服务日，每期安排6节课。") == []
    assert values("每年为困难家庭提供5个名额，日均接待居民超500人次。") == [5, 500]
    assert values("今年计划加装电梯30部，送出春联两千余副，准备了12道家常菜。") == [30, 2000, 12]


def test_traditional_festivals_are_culture_and_market_fairs_are_hands_on(kb):
    text = ("元宵喜乐会\n\n2月12日晚，鹿苑街道北辰社区举办元宵喜乐会，居民猜灯谜、吃元宵。\n\n"
            "年货大集开市\n\n1月12日，年货大集在红旗广场举办，商户集中展销年货。\n")
    lantern, fair = extract_bulletin(text, "a.txt", kb).articles
    assert lantern.themes[0] == "culture" and "hands_on" in fair.services


def test_an_article_of_another_district_is_never_district_wide(kb):
    text = "云州区：送温暖\n\n元旦前夕，云州区民政局联合各乡镇开展走访慰问活动，为全区380户困难家庭送去慰问物资。\n"
    assert not extract_bulletin(text, "a.txt", kb).articles[0].district_wide


def test_people_handing_things_out_took_part(kb):
    found = find_quantities("三十余名学生向村民发放文明倡议书200余份。", kb)
    assert [(q.value, q.participant) for q in found] == [(30, True), (200, False)]


def test_a_community_printed_after_a_street_not_of_ours_is_not_ours(kb):
    places = find_places("9月4日，新平旺街道和平社区举办邻里节，西坪镇陈庄村村民参加。", kb)
    assert units_of(places) == [] and {p.surface for p in places} == {"和平社区", "陈庄村"}
    assert units_of(find_places("同日，该街道塔儿村举行有奖问答；平城区振华街道和平社区开展活动。", kb)) == \
        ["塔儿村", "和平社区"]


def test_a_page_of_a_neighbouring_districts_account_is_theirs(kb):
    page = ("邻里节里话和谐\n云冈发布  2024年09月05日 19:02  山西\n"
            "9月4日，和平社区举办第三届邻里文化节，200余名居民参加。\n")
    article = extract_bulletin(page, "a.txt", kb).articles[0]
    assert article.communities == [] and article.other_district_places == ["和平社区"]
    ours = page.replace("云冈发布", "平城发布")
    assert extract_bulletin(ours, "b.txt", kb).articles[0].communities == ["和平社区"]


def test_a_text_naming_one_other_district_and_no_street_of_ours_is_that_districts(kb):
    text = ("文明实践进万家\n\n近日，和平社区开展“文明家庭”评选活动，30户家庭获评。"
            "云冈区文明办相关负责人表示，将推广这一做法。\n")
    assert extract_bulletin(text, "a.txt", kb).articles[0].communities == []
    passing = "义诊进社区\n\n近日，和平社区联合云冈区一家医院开展义诊活动。\n"
    assert extract_bulletin(passing, "b.txt", kb).articles[0].communities == ["和平社区"]


def test_beneficiaries_are_counted_and_a_turnout_said_before_its_number_took_part(kb):
    kinds = lambda text: [(q.value, q.participant) for q in find_quantities(text, kb)]
    assert kinds("受益群众达3000余人。") == [(3000, False)]
    assert kinds("参加活动的居民有150余人。") == [(150, True)]
    assert kinds("报名参加的有60人。") == [(60, False)]
