"""The statistics page as an Excel workbook: the figures, the ranking and every table of the page
(the core's and the plugins'), one sheet each, the numbers as numbers. Small (aggregates only), so
it is written in the request."""
import io

import xlsxwriter

from portal.statistics import tables

HOURS = ("用时中位数（小时）", "第90百分位（小时）")
FIGURE_COLUMNS = (("事项", "cases"), ("已到期", "decided"), ("按期", "on_time"), ("按期率", "on_time_rate"),
                  ("超期", "late"), ("延期", "extended"), ("情况说明", "explained"), ("通报", "bulletins"),
                  (HOURS[0], "median_hours"), (HOURS[1], "p90_hours"))


def write(period: tables.Period, summary, ranking, statistics) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True})
    percent = book.add_format({"num_format": "0.0%"})
    decimal = book.add_format({"num_format": "0.0"})

    def figures_sheet(name, rows, with_rank):
        sheet = book.add_worksheet(name)
        head = (["名次", "主办部门"] if with_rank else ["范围"]) + [title for title, _ in FIGURE_COLUMNS]
        sheet.write_row(0, 0, head, bold)
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, len(head) - 1, 11)
        sheet.set_column(1 if with_rank else 0, 1 if with_rank else 0, 22)
        for r, figure in enumerate(rows, start=1):
            lead = ([r if figure.department_id else "—", figure.department] if with_rank else [figure.department])
            sheet.write_row(r, 0, lead)
            for c, (_, attr) in enumerate(FIGURE_COLUMNS, start=len(lead)):
                value = getattr(figure, attr)
                if value is not None:
                    sheet.write_number(r, c, value, percent if attr == "on_time_rate" else
                                       decimal if attr.endswith("hours") else None)
        return sheet

    sheet = figures_sheet("总体", [summary], False)
    sheet.write(3, 0, f"统计期间：{period.label}（按发帖时间）")
    if ranking:
        figures_sheet("考核排名", ranking, True)
    for statistic in statistics:
        sheet = book.add_worksheet(statistic.title[:31])
        sheet.write_row(0, 0, [statistic.title.removeprefix("按"), statistic.unit], bold)
        sheet.set_column(0, 0, 22)
        for r, (label, number, _) in enumerate(statistic.rows, start=1):
            sheet.write_string(r, 0, str(label))
            sheet.write_number(r, 1, number)
        if statistic.note:
            sheet.write(len(statistic.rows) + 2, 0, statistic.note)
    book.close()
    return out.getvalue()
