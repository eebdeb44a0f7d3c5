"""Shared helpers of the accountability plugin's tests."""
import re

from portal.plugin_api import Department, User, database

from plugins.accountability.models import Item


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def dept(name) -> int:
    with database.connection_context():
        return Department.get(Department.name == name).id


def user(username) -> User:
    with database.connection_context():
        return User.get(User.username == username)


def item_of(year, department_name, title) -> Item:
    with database.connection_context():
        where = (Item.year == year) & (Item.title == title)
        where &= Item.department.is_null() if department_name is None else (Item.department == dept(department_name))
        return Item.get(where)


def reload(item) -> Item:
    with database.connection_context():
        return Item.get_by_id(item.id)


def version(html) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)
