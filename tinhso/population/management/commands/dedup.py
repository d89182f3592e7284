import json

from django.core.management.base import BaseCommand, CommandError

from tinhso.population.daily import dedup_incremental
from tinhso.population.linkage.base import DEFAULT_THRESHOLD, DedupError
from tinhso.population.linkage.pipeline import dedup_file
from tinhso.population.linkage.training import load_model
from tinhso.population.linking import dedup_registry, last_model_path


class Command(BaseCommand):
    help = (
        "Find the records of one person: --input IN.csv --output OUT.csv (record_id,cluster_id), "
        "or --registry to link the imported records into people and fill the review queue."
    )

    def add_arguments(self, parser):
        parser.add_argument("--input")
        parser.add_argument("--output")
        parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
        parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
        parser.add_argument("--model", help="trained model JSON to use instead of training")
        parser.add_argument("--save-model", help="write the trained model JSON here")
        parser.add_argument("--memory-limit", help="DuckDB memory limit, e.g. 4GB")
        parser.add_argument("--registry", action="store_true", help="link the registry's records")
        parser.add_argument(
            "--incremental",
            action="store_true",
            help="with --registry: link only the records not yet linked against the people",
        )
        parser.add_argument(
            "--last-model",
            help="where a full training keeps its model, the fallback of a training that "
            "cannot learn everything (default: VAR_DIR/population/last-model.json)",
        )

    def handle(self, *args, **o):
        if o["registry"]:
            link = dedup_incremental if o["incremental"] else dedup_registry
            result = link(actor=None, model=_model(o["model"]))
            self.stdout.write(json.dumps(result))
            return
        if not o["input"] or not o["output"]:
            raise CommandError("--input and --output are required (or --registry)")
        try:
            info = dedup_file(
                o["input"],
                o["output"],
                engine=o["engine"],
                threshold=o["threshold"],
                model_path=o["model"],
                save_model=o["save_model"],
                memory_limit=o["memory_limit"],
                progress=self.stderr.write,
                last_model=o["last_model"] or last_model_path(),
            )
        except DedupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(info))


def _model(path):
    return load_model(path) if path else None
