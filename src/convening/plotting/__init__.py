"""Pictures of a plan for planners, drawn with matplotlib.

Each function draws one picture and works headless: it draws on the
:class:`~matplotlib.axes.Axes` given, or on a new
:class:`~matplotlib.figure.Figure` that is not registered with pyplot (so
nothing is left open and no backend is chosen). Save a picture with
``fig.savefig("grid.png")``, or ``ax.figure.savefig(...)`` for the functions
that return axes.

- :func:`plot_agenda_grid`: rooms by time for each day, sessions coloured by topic.
- :func:`plot_itinerary`: a person's or a delegation's day.
- :func:`plot_city_meetings`: how often two cities shared a networking table.
- :func:`plot_new_peers`: new people met per person at networking tables.
- :func:`plot_preference_outcome` and :func:`worst_off`: how well preferences were met.
"""

from convening.plotting.agenda_grid import plot_agenda_grid
from convening.plotting.city_meetings import plot_city_meetings
from convening.plotting.itinerary import plot_itinerary
from convening.plotting.new_peers import plot_new_peers
from convening.plotting.preference_outcome import plot_preference_outcome, worst_off

__all__ = [
    "plot_agenda_grid",
    "plot_city_meetings",
    "plot_itinerary",
    "plot_new_peers",
    "plot_preference_outcome",
    "worst_off",
]
