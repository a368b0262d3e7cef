"""Server-drawn report charts: `{% load report_charts %}` then `{% interval_chart chart %}`,
`{% bar_chart chart %}` or `{% trend_chart chart %}`, with a chart built by reports.charts."""

from django import template

register = template.Library()


@register.inclusion_tag("reports/charts/interval.html")
def interval_chart(chart):
    return {"chart": chart}


@register.inclusion_tag("reports/charts/bar.html")
def bar_chart(chart):
    return {"chart": chart}


@register.inclusion_tag("reports/charts/trend.html")
def trend_chart(chart):
    return {"chart": chart}
