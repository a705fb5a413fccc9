// The JSON shapes MLflow's REST API answers with, as far as the REST source reads them (fields may be absent).

export type KeyValue = { key?: string; value?: string };

export interface RestExperiment {
  experiment_id: string;
  name?: string;
  artifact_location?: string;
  lifecycle_stage?: string;
  creation_time?: number;
  last_update_time?: number;
  tags?: KeyValue[];
}

export interface RestMetric {
  key?: string;
  value?: number | string;
  timestamp?: number;
  step?: number;
}

export interface RestRun {
  info: {
    run_id?: string;
    run_uuid?: string;
    experiment_id?: string;
    run_name?: string;
    user_id?: string;
    status?: string;
    start_time?: number;
    end_time?: number;
    artifact_uri?: string;
    lifecycle_stage?: string;
  };
  data?: { metrics?: RestMetric[]; params?: KeyValue[]; tags?: KeyValue[] };
  inputs?: {
    dataset_inputs?: {
      tags?: KeyValue[];
      dataset?: { name?: string; digest?: string; source_type?: string; source?: string; schema?: string; profile?: string };
    }[];
  };
}

export interface TraceInfoV3 {
  trace_id: string;
  trace_location?: { mlflow_experiment?: { experiment_id?: string } };
  request_time?: string;
  execution_duration?: string;
  state?: string;
  trace_metadata?: Record<string, string>;
  tags?: Record<string, string>;
  request_preview?: string;
  response_preview?: string;
  assessments?: RestAssessment[];
}

/** MLflow 2 TraceInfo (GET /api/2.0/mlflow/traces, …/info): no previews. */
export interface TraceInfoV2 {
  request_id: string;
  experiment_id?: string;
  timestamp_ms?: number;
  execution_time_ms?: number;
  status?: string;
  request_metadata?: KeyValue[];
  tags?: KeyValue[];
}

export interface RestAssessment {
  assessment_id?: string;
  assessment_name?: string;
  source?: { source_type?: string; source_id?: string };
  feedback?: { value?: unknown };
  expectation?: { value?: unknown; serialized_value?: { value?: string } };
  rationale?: string;
  span_id?: string;
}

