"""审核: the most doubtful articles first; correct any field of one (with a note), confirm it as
is, see its history and undo; teach the extractor a spelling or a keyword. Who may open the
page is decided by the app's frame (dashboard/app.py), which also asks the reviewer's name."""
import pandas as pd
import streamlit as st

from analytics import queries
from dashboard import data, page, review, same_event, state
from dashboard.evidence import article_header_html, highlight_html
from dashboard.review import KEEP, NOT_A_PLACE, OTHER_DISTRICT
from dashboard.vocabulary import REASON_ZH, service_names, theme_names
from etl.corrections import CorrectionError
from etl.knowledge import load_knowledge
from etl.learn import LearnError, add_alias, add_keyword, alias_line, keyword_line
from etl.store import review as reviews

st.title("审核与更正")
reviewer = st.session_state["reviewer"]
c1, c2 = st.columns([4, 1])
c1.caption(f"审核人：{reviewer}。每条更正都记录审核人、时间和说明；更正在重新导入和抽取器改进后仍然有效。")
if c2.button("换一位审核人"):
    del st.session_state["reviewer"]
    st.rerun()
page.stop_if_empty()
f = state.current()
gaz = load_knowledge().gazetteer

# ---- the queue ---------------------------------------------------------------------------
reason = st.selectbox("按存疑原因筛选", ["", *REASON_ZH], format_func=lambda r: REASON_ZH.get(r, "全部原因"),
                      placeholder="请选择")
queue = data.figure(queries.review_queue, f, reason or None)
st.caption(f"共 {len(queue)} 篇（按侧栏的街道、日期等筛选），未核对的排在前面，可信度低的在前。")
picked = st.dataframe(review.queue_zh(queue), hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                      key="review_queue", column_config={"可信度": st.column_config.ProgressColumn(
                          "可信度", min_value=0.0, max_value=1.0, format="%.2f")})
if picked and picked.selection.rows:
    st.query_params["article"] = str(int(queue.iloc[picked.selection.rows[0]]["id"]))

# ---- one article -------------------------------------------------------------------------
article_id = state.article_param()
if article_id is None:
    st.info("在上表中点选一篇文章进行核对。")
else:
    try:
        opened = reviews.open_article(data.engine(), article_id)
    except reviews.ArticleGone:
        opened = None
        st.warning("这篇文章已不在数据库中（可能所属公报已被替换）。")
    if opened is not None:
        versions = st.session_state.setdefault("_review_versions", {})
        version = versions.setdefault(article_id, opened.version)  # the version this reviewer opened
        detail = data.article(article_id)
        st.divider()
        st.markdown(article_header_html(detail), unsafe_allow_html=True)
        with st.expander("原文（抽取依据已标出）", expanded=False):
            st.markdown(highlight_html(detail["text"], detail["evidence"]), unsafe_allow_html=True)
        facts = opened.effective
        current = reviews.shown_value(facts, "places")
        units = {u.name: u for u in gaz.units}
        with st.form(f"review_{article_id}_{version}"):
            st.subheader("更正")
            streets = st.multiselect("街道", [s.name for s in gaz.streets], default=current["streets"],
                                     placeholder="请选择街道", select_all=False)
            chosen_units = st.multiselect("社区 / 村", list(units), default=current["units"],
                                          format_func=lambda n: f"{units[n].street} · {n}",
                                          placeholder="请选择社区或村", select_all=False)
            resolve = {}
            for name in current["unknown"]:
                resolve[name] = st.selectbox(f"未识别的“{name}”是：", [KEEP, NOT_A_PLACE, OTHER_DISTRICT, *units],
                                             key=f"resolve_{article_id}_{name}", placeholder="请选择")
            people = st.data_editor(pd.DataFrame(reviews.shown_value(facts, "participants"),
                                                 columns=["value", "approx", "who", "unit"]),
                                    num_rows="dynamic", key=f"people_{article_id}", column_config={
                                        "value": st.column_config.NumberColumn("人数", min_value=0),
                                        "approx": st.column_config.CheckboxColumn("约数（余、多）"),
                                        "who": st.column_config.TextColumn("参与者"),
                                        "unit": st.column_config.TextColumn("量词")})
            counts = st.data_editor(pd.DataFrame(reviews.shown_value(facts, "quantities"),
                                                 columns=["value", "approx", "unit", "what"]),
                                    num_rows="dynamic", key=f"counts_{article_id}", column_config={
                                        "value": st.column_config.NumberColumn("数量", min_value=0),
                                        "approx": st.column_config.CheckboxColumn("约数"),
                                        "unit": st.column_config.TextColumn("量词"),
                                        "what": st.column_config.TextColumn("计数对象")})
            themes = st.multiselect("主题", list(theme_names()), default=list(facts.themes),
                                    format_func=lambda k: theme_names()[k], placeholder="请选择主题",
                                    select_all=False)
            services = st.multiselect("服务类型", list(service_names()), default=list(facts.services),
                                      format_func=lambda k: service_names()[k],
                                      placeholder="请选择服务类型", select_all=False)
            event_date = st.text_input("活动日期（YYYY-MM-DD；不知年份写 --MM-DD；留空为无明确日期）",
                                       value=facts.event_date or "")
            district_wide = st.checkbox("全区性活动（不在具体街道、社区）", value=facts.district_wide)
            excluded = st.checkbox("这不是一篇文章（版面杂项或乱码）：从所有统计中去除", value=facts.excluded)
            note = st.text_area("说明（为什么这样更正）", max_chars=2000)
            b1, b2 = st.columns(2)
            save_pressed = b1.form_submit_button("保存更正", type="primary")
            confirm_pressed = b2.form_submit_button("核对无误（不作更改）")
        if save_pressed or confirm_pressed:
            places = review.places_value(streets, chosen_units, resolve, units)
            form = {"places": places,
                    "participants": people.to_dict("records"), "quantities": counts.to_dict("records"),
                    "themes": themes, "services": services, "event_date": event_date.strip() or None,
                    "district_wide": district_wide, "excluded": excluded}
            changed = {"confirmed": True} if confirm_pressed else review.changes(facts, form)
            if not changed:
                st.info("没有改动。若内容无误，请点“核对无误”。")
            else:
                try:
                    reviews.save(data.engine(), article_id, changed, reviewer, note, version)
                except reviews.StaleEdit:
                    st.error("保存被拒绝：这篇文章在您打开之后已被其他审核人更改。请点“重新载入”查看最新内容后再更正。")
                except CorrectionError as e:
                    st.error(f"保存被拒绝：{e}")
                else:
                    versions[article_id] = version + len(changed)
                    st.session_state["_learn"] = list(places["renamed"].items())
                    st.rerun()
        if version != opened.version and st.button("重新载入"):
            versions[article_id] = opened.version
            st.rerun()

        for surface, official in st.session_state.get("_learn", []):
            try:
                line = alias_line(surface, units[official])
            except LearnError as e:
                st.caption(str(e))
                continue
            with st.container(border=True):
                st.write(f"把“{surface}”作为“{official}”的别名加入本区地名别名表？以后的公报会自动识别。将加入这一行：")
                st.code(line, language=None)
                if st.button("加入别名表", key=f"learn_{surface}"):
                    add_alias(surface, units[official])
                    st.session_state["_learn"] = []
                    st.success("已加入别名表。")

        with st.expander("教给抽取器一个主题或服务关键词"):
            kind = st.radio("类别", ["theme", "service"], format_func={"theme": "主题", "service": "服务类型"}.get,
                            horizontal=True, key="learn_kind")
            names = theme_names() if kind == "theme" else service_names()
            key = st.selectbox("归入", list(names), format_func=names.get, key="learn_key", placeholder="请选择")
            word = st.text_input("关键词（2–20 个字）", key="learn_word")
            if word:
                try:
                    st.code(keyword_line(key, word.strip()), language=None)
                    if st.button("加入词表", key="learn_add"):
                        add_keyword(kind, key, word.strip())
                        st.success("已加入词表，新导入的公报会用到它。")
                except LearnError as e:
                    st.caption(str(e))

        if same_event.show(detail, reviewer, version):
            versions[article_id] = reviews.version_of(data.engine(), article_id)
            st.rerun()

        st.subheader("更正记录")
        entries = reviews.history(data.engine(), opened.key)
        if not entries:
            st.caption("还没有更正。")
        undone = {e["undoes"] for e in entries if e["undoes"] is not None}
        for entry in reversed(entries):
            c1, c2 = st.columns([5, 1])
            c1.text(review.history_words(entry) + (f"：{entry['note']}" if entry["note"] else ""))
            if entry["undoes"] is None and entry["id"] not in undone and c2.button("撤销", key=f"undo_{entry['id']}"):
                try:
                    reviews.undo(data.engine(), article_id, entry["id"], reviewer, "撤销", version)
                except reviews.StaleEdit:
                    st.error("撤销被拒绝：这篇文章在您打开之后已被其他审核人更改。请重新载入。")
                else:
                    versions[article_id] = version + 1
                    st.rerun()

orphaned = reviews.orphans(data.engine())
if orphaned:
    st.subheader("失去对应文章的更正")
    st.caption("这些更正对应的文章已不在数据库中（公报被替换或删除，且新文本差别太大）。它们被保留，没有丢弃。")
    st.dataframe(pd.DataFrame([{"公报": o["bulletin"], "标题": o["title"], "字段": o["field"], "审核人": o["reviewer"],
                                "时间": o["created_at"], "说明": o["note"]} for o in orphaned]),
                 hide_index=True, width="stretch")
