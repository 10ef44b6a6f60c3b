from etl.split import split, split_bulletin

FEATURE = """

振华街道

织密防汛安全网

本报讯（记者 段雨萌）日前，平城区振华街道全面排查隐患。街道主要领导带头深入

一线，实地勘察风险隐患点。

社区播报

关爱老年心理
乐享幸福晚年



在社区活动现场拍摄。

张三摄

本报讯（记者 尚丽 孙露）近日，工农路社区开展心理健康讲座。

活动受到居民好评。

活动受到居民好评。

公共卫生间精细化服务彰显城市温度

对公共卫生间进行深度清洁消毒。服务中心持续提升服务。本报记者 邸东芳

平城区残联开展观影活动

本报讯（记者 锦秀）为丰富残疾人文化生活，近日，平城区残联开展观影活动，用艺术形式传递法治力量与
"""


def test_articles_headlines_and_bodies(kb):
    articles = split(FEATURE, kb)
    assert [a.title for a in articles] == [
        "振华街道 / 织密防汛安全网",
        "关爱老年心理 / 乐享幸福晚年",
        "公共卫生间精细化服务彰显城市温度",
        "平城区残联开展观影活动",
    ]


def test_paragraph_broken_by_a_column_end_is_rejoined(kb):
    first = split(FEATURE, kb)[0]
    assert len(first.paragraphs) == 1
    assert "带头深入一线，实地勘察" in first.body


def test_section_label_and_caption_are_not_text(kb):
    second = split(FEATURE, kb)[1]
    assert second.section == "社区播报"
    assert "张三摄" not in second.text and "拍摄" not in second.text


def test_paragraph_printed_twice_is_kept_once(kb):
    second = split(FEATURE, kb)[1]
    assert second.body.count("活动受到居民好评") == 1
    assert "duplicate_paragraph_dropped" in second.flags


def test_feature_without_lead_and_cut_off_article_are_kept_and_flagged(kb):
    articles = split(FEATURE, kb)
    assert "no_lead" in articles[2].flags and "本报记者 邸东芳" in articles[2].body
    assert "cut_off" in articles[3].flags
    assert "cut_off" not in articles[2].flags


def test_body_without_headline_at_the_top_of_a_page(kb):
    articles = split("本报讯（记者 李雪峰）日前，平城区综治中心举办网格工作宣传活动。\n\n活动现场很热闹。\n", kb)
    assert len(articles) == 1 and articles[0].title == "" and "no_headline" in articles[0].flags


def test_short_line_that_breaks_a_word_continues_the_paragraph(kb):
    text = ("标题一行\n\n本报讯（记者 甲乙）近日，活动开展。\n\n"
            "AI智习室带来实实在在的惠民服\n\n务：辖区内所有适龄学生可免费体验。\n")
    articles = split(text, kb)
    assert len(articles) == 1
    assert "惠民服务：辖区内" in articles[0].body


def test_a_headline_may_hold_a_comma_when_a_lead_follows(kb):
    text = ("筑牢安全防线，守护万家灯火\n\n本报讯（记者 甲乙）近日，永泰街道开展安全排查。\n\n"
            "街道工作人员逐户走访，\n\n检查燃气设施。\n")
    articles = split(text, kb)
    assert [a.title for a in articles] == ["筑牢安全防线，守护万家灯火"]
    assert "逐户走访，检查燃气设施。" in articles[0].body


def test_page_furniture_is_dropped_with_its_reason(kb):
    text = ("大同晚报数字报\n当前版：06版 上一版 下一版\n\n标题导航\n义诊进社区\n\n"
            "义诊进社区\n本报讯（记者 冯晨曦）4月11日，鼓楼社区开展义诊活动。\n\n上一篇  下一篇\n")
    articles, dropped = split_bulletin(text, kb)
    assert [a.title for a in articles] == ["义诊进社区"]
    assert [(d.line, d.reason) for d in dropped] == [(0, "masthead"), (1, "epaper_nav"), (3, "page_list"),
                                                    (4, "page_list"), (9, "epaper_nav")]


def test_a_headline_that_opens_with_a_place_and_a_colon(kb):
    text = ("开源街道民悦社区：反诈情景剧“演”进居民心坎里\n原创 平城融媒 2023年04月12日 18:46 山西\n\n"
            "4月12日上午，平城区开源街道民悦社区在社区文化广场开展反诈宣传活动。\n")
    [article] = split(text, kb)
    assert article.title == "开源街道民悦社区：反诈情景剧“演”进居民心坎里"


def test_a_colon_subhead_inside_a_report_is_no_headline(kb):
    text = ("关爱青少年\n\n本报讯 平城区各街道开展青少年关爱活动。\n\n心理护航：筑牢成长“心”防线\n\n"
            "各街道整合资源，为青少年搭建成长平台。\n")
    assert len(split(text, kb)) == 1


def test_credit_lines_stay_with_their_article(kb):
    text = ("家门口的消夏晚会\n\n本报记者 任鹏飞\n\n本月12日晚，拥军路社区的小广场上灯光亮起。\n\n"
            "（记者 温海涛 通讯员 吕佳）\n\n第二篇标题\n\n本报讯 5月1日，社区开展活动。\n")
    first, second = split(text, kb)
    assert [c.text for c in first.credits] == ["本报记者 任鹏飞", "（记者 温海涛 通讯员 吕佳）"]
    assert first.paragraphs[0].text.startswith("本月12日晚") and second.title == "第二篇标题"


def test_youxun_starts_a_second_report_under_the_same_headline(kb):
    text = ("社区里的“3·15”\n\n本报讯（记者 王瑞庭）3月14日，明珠社区开展宣传活动。\n\n"
            "又讯（记者 胡晓峰）3月15日，红卫里社区检查商品明码标价。\n")
    first, second = split(text, kb)
    assert first.title == second.title == "社区里的“3·15”"
    assert second.paragraphs[0].text.startswith("又讯") and "shared_headline" in second.flags


def test_other_papers_leads_start_a_report(kb):
    text = ("第一篇\n\n本报讯 5月1日，甲社区开展活动。\n\n第二篇\n\n黄河新闻网大同讯 近日，乙社区开展活动。\n")
    assert [a.title for a in split(text, kb)] == ["第一篇", "第二篇"]


def test_a_paragraph_closed_by_its_bracketed_credit_is_complete(kb):
    text = ("齿欣社区入户排查隐患\n\n近日，齿欣社区走进38户老人家中检查燃气灶具。（记者 武晓燕）\n\n"
            "企业街社区寒假公益课堂开始报名\n\n企业街社区寒假公益课堂近日开始报名。\n")
    assert [a.title for a in split(text, kb)] == ["齿欣社区入户排查隐患", "企业街社区寒假公益课堂开始报名"]


def test_a_brief_column_is_a_report_a_paragraph_with_its_kicker_as_headline(kb):
    page = ("平城区开展防汛演练\n\n本报讯（记者 郭佳）4月1日，平城区开展防汛应急演练。\n\n简讯\n\n"
            "■古城街道 3月28日，古城街道大北街社区为老人举办健康讲座，40余名老年居民参加。\n\n"
            "新建社区 近日，社区组织垃圾分类宣传活动，发放宣传手册200份。\n\n"
            "近日，永泰街道开展消防检查。\n")
    articles = split(page, kb)
    assert [a.title for a in articles] == ["平城区开展防汛演练", "古城街道", "新建社区", ""]
    assert articles[1].body.startswith("3月28日") and "brief_item" in articles[1].flags
    assert "讲座" not in articles[0].body


def test_a_feature_printed_in_a_brief_column_keeps_its_paragraphs(kb):
    page = ("简讯\n\n村晚排练忙\n\n文/本报记者 石蕾\n\n“今年的节目全是自己编的。”村民说。\n\n"
            "消息传开，不少年轻人也报了名。\n")
    articles = split(page, kb)
    assert len(articles) == 1 and articles[0].body.count("\n") >= 1


def test_a_spaced_or_qualified_brief_label_opens_a_column_and_bullets_are_not_text(kb):
    page = ("防汛演练\n\n本报讯（记者 周宁）8月14日，御河街道开展防汛演练。\n\n简　讯\n"
            "■本月14日，北辰社区开展传染病防治讲座，40余名居民参加。\n"
            "■日前，向阳西街社区对12家小餐饮店开展燃气安全检查。\n\n县区快讯\n"
            "10月28日，三屯乡在田村举办农民技能培训班。\n")
    articles = split(page, kb)
    assert [a.paragraphs[0].text[:5] for a in articles] == ["本报讯（记", "本月14日", "日前，向阳", "10月28"]
    assert (articles[1].section, articles[3].section) == ("简讯", "县区快讯")


def test_a_byline_in_a_metadata_line_is_the_articles_credit(kb):
    page = ("一站式调解中心“开门迎客”\n"
            "作者：本报记者 贺文静　通讯员 张泽宇　　来源：大同日报　　发布时间：2024-12-03\n\n"
            "11月28日，新华街道矛盾纠纷多元化解中心举办开放日活动。\n")
    (article,) = split(page, kb)
    assert article.title == "一站式调解中心“开门迎客”"
    assert [c.text for c in article.credits] == ["本报记者 贺文静　通讯员 张泽宇"]
    page = "北京日报客户端 | 记者 孙颖\n2024-05-20 15:32\n古城街道：老旧小区加装电梯\n\n5月18日，电梯投入使用。\n"
    (article,) = split(page, kb)
    assert [c.text for c in article.credits] == ["记者 孙颖"] and article.title == "古城街道：老旧小区加装电梯"
    page = "鼓楼社区：“老少同乐”过暑假\n发布时间：2023-08-03　来源：忻州日报　作者：记者 周伟\n本报讯 8月1日，社区开展活动。\n"
    assert [c.text for c in split(page, kb)[0].credits] == ["记者 周伟"]


def test_a_continuation_marker_ends_a_paragraph_and_cuts_the_article(kb):
    page = ("防汛演练筑牢安全堤\n本报讯（记者 周宁）8月14日下午，御河街道开展防汛应急演练，\n"
            "设置了人员转移、排涝抢险等4个科目。（下转第4版）\n")
    (article,) = split(page, kb)
    assert article.paragraphs[-1].text.endswith("4个科目。（下转第4版）") and "cut_off" in article.flags


def test_an_exclaimed_headline_and_a_quoted_subtitle_are_headline_lines(kb):
    page = "青春平城｜鹿苑街道青年夜校首期开课啦！\n\n4月1日至3日，青春夜校首期课程开讲。\n"
    assert split(page, kb)[0].title == "青春平城｜鹿苑街道青年夜校首期开课啦！"
    page = ("五里店村：月饼飘香迎中秋\n“村里办的团圆宴，比在家还热闹”\n\n晚报记者 郭佳\n"
            "本月26日晚，五里店村举办中秋团圆宴。\n")
    assert split(page, kb)[0].title == "五里店村：月饼飘香迎中秋 / “村里办的团圆宴，比在家还热闹”"
    # a short exclamation ending a paragraph stays in it
    page = "标题\n\n本报讯 近日，社区开展活动，大家都说\n办得真好！\n"
    assert split(page, kb)[0].paragraphs[0].text.endswith("办得真好！")


def test_a_youxun_credit_is_also_the_credit_of_the_report_before_it(kb):
    page = ("垃圾分类进村入户\n本报讯 8月13日，艾庄村开展垃圾分类入户宣传。\n"
            "又讯 同日，塔儿村举行垃圾分类知识有奖问答。（记者 韩　冰）\n")
    first, second = split(page, kb)
    assert [c.text for c in first.credits] == ["（记者 韩　冰）"] and second.title == first.title
    page = ("标题\n本报讯（记者 王瑞庭）3月14日，明珠社区开展宣传。\n又讯 3月15日，红卫里社区检查。（记者 胡晓峰）\n")
    assert split(page, kb)[0].credits == []


def test_a_byline_in_a_metadata_line_that_also_holds_print_buttons_is_kept(kb):
    page = ("罗文皂镇：“小手拉大手”共建文明村\n"
            "来源：阳高县融媒体中心　作者：见习记者 贾婷　　2024-05-15 09:12　　【字体：大 中 小】　【打印】　【关闭】\n"
            "5月13日，罗文皂镇中心小学组织学生走进5个村。\n")
    assert [c.text for c in split(page, kb)[0].credits] == ["见习记者 贾婷"]


def test_a_headline_opened_by_the_city_and_the_districts_short_name(kb):
    page = "大同平城：新旺街道“红马甲”年末走访暖人心\n2024年12月30日，平城区新旺街道组织志愿服务队入户走访。\n"
    assert split(page, kb)[0].title == "大同平城：新旺街道“红马甲”年末走访暖人心"
