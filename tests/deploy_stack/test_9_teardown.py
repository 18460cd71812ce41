"""`docker-compose down -v` leaves nothing of the project behind: no container, network or volume."""

from compose import docker


def test_down_removes_every_container_network_and_volume_of_the_project(stack):
    stack.run("down", "-v", "--remove-orphans")
    label = f"label=com.docker.compose.project={stack.project}"
    assert docker("ps", "-aq", "--filter", label).split() == []
    assert docker("network", "ls", "-q", "--filter", label).split() == []
    assert docker("volume", "ls", "-q", "--filter", label).split() == []
