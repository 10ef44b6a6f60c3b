"""Entry point of the dashboard: `streamlit run dashboard.py`. The app is the dashboard package."""
from dashboard.app import main

main()
