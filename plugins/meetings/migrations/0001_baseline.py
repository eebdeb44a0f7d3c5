"""联席会议：首个版本（表由模型创建）。"""


def migrate(m):
    pass
