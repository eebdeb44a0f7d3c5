"""安全生产舆情风险台账：首个版本（表由模型创建）。"""


def migrate(m):
    pass
