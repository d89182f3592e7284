"""FHIR R4B for the health app: resources built (and validated) with fhir.resources,
the REST API at /fhir/, and the International Patient Summary document."""
